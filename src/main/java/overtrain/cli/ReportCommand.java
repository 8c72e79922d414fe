package overtrain.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import overtrain.report.StudyReport;
import overtrain.study.StudyDir;
import overtrain.study.StudyPlan;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code overtrain report STUDY}: a study's figures, findings and settings as one HTML page. */
@Command(name = "report", mixinStandardHelpOptions = true,
    description = {"Write a study's report into its folder: report.html, one self-contained page "
        + "(figures inlined, no network needed) with the paper's figures drawn from the done "
        + "cells (base models, perturbation, fine-tuning at fixed and at tuned rates), a sentence "
        + "under each said by the data, the inflection points with their intervals, and the "
        + "study's settings, seeds, code version and wall time; and report.csv, every plotted "
        + "number (figure, series, x, y, band low and high). Figures whose cells the study does "
        + "not have are left out.",
        "", "Example: overtrain report demo"})
public final class ReportCommand implements Callable<Integer> {
  @Parameters(paramLabel = "STUDY", description = "The study file (YAML) or a preset name.") Path file;

  @Override
  public Integer call() throws Exception {
    StudyPlan plan = StudyCommand.load(file);
    if (!java.nio.file.Files.isDirectory(plan.dir())) {
      throw new IllegalArgumentException(file + ": the study's folder " + plan.dir()
          + " does not exist yet; run 'overtrain study run " + file + "' first");
    }
    List<Path> written = StudyReport.of(new StudyDir(plan)).write(plan.dir());
    for (Path p : written) System.out.println("wrote " + p);
    return 0;
  }
}
