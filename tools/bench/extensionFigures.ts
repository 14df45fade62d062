import type { Figure } from './report';
export async function extensionFigures(_root: string, _log: (line: string) => void): Promise<Figure[]> {
  return [];
}
