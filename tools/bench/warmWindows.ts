// The bench's windows between its first (no code cache) and the measured one, which only activate the
// extension: shared by the driver (extensionFigures.ts, which opens them) and the host side
// (extensionHost.ts, which activates in them), without either importing the other's code.

/**
 * How many: activate() was one window's figure, and one slow load on these 2 cores (50 ms where the
 * others took 13-21) decided it; the figure is the median of these windows and the measured one.
 */
export const WARM_WINDOWS = 2;

/** The file, in the bench's folder, a warm window leaves its activation marks in. */
export const warmWindowFile = (n: number) => `warm-window-${n}.json`;
