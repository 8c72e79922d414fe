/**
 * The {@code overtrain} command: parses flags and configs, calls one layer below, prints.
 */
package overtrain.cli;
