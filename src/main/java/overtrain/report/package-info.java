/**
 * Figures (PNG, SVG) and report fragments (HTML, CSV of every plotted number).
 */
package overtrain.report;
