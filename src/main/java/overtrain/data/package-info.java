/**
 * Token files and documents: the pre-training corpus's shared types ({@code TokenFile},
 * {@code Documents}); corpora in {@code data.corpus}, pinned package fetching in {@code data.fetch}.
 */
package overtrain.data;
