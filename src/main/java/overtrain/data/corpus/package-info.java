/**
 * Building a pre-training corpus: its sources, cleaning, de-duplication, chunking, the held-out
 * split by a hash of each id, import of a user's own text, and tokenizing it into token files.
 */
package overtrain.data.corpus;
