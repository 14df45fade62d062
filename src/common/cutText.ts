// Text cut for display, saying how long it was: a log line, an event line, a value in the JSON tree,
// a text block of an output. One place, so every cut reads the same ("… (52000 characters)").

/** What follows a text cut for display: its whole length. */
export const lengthSaid = (length: number): string => `… (${length} characters)`;

/** `text` when at most `max` characters long, else its first `max` and its whole length. */
export function cutText(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}${lengthSaid(text.length)}` : text;
}
