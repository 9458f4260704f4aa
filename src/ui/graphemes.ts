// The one grapheme segmenter of the UI: the composer's cursor and the pane's line layout must agree on what one
// character is, or the cursor lands inside an emoji the pane draws whole.

export const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
