/** How many times `needle` appears in `text`: a reason printed once, not once per stream or per line. */
export const occurrences = (text: string, needle: string) => text.split(needle).length - 1;
