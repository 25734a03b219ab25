package io.labflow.worker.doctor;

import io.labflow.activities.preflight.AwsPreflight;
import io.labflow.worker.preflight.AwsLabPreflight;
import io.labflow.worker.quotas.LabNeeds;
import io.labflow.worker.quotas.QuotaPlanner;
import io.labflow.worker.runtime.Composition;
import io.labflow.worker.runtime.DirectoryDefinitionSource;
import io.labflow.worker.runtime.SiteParameterSource;
import io.labflow.workflows.binding.SiteParameters;
import io.labflow.workflows.lab.DefinitionActivities;
import io.labflow.workflows.lab.FailureTypes;
import io.labflow.workflows.lab.LabRequest;
import io.labflow.workflows.lab.Preflight;
import io.labflow.workflows.lab.ResolvedLab;
import io.temporal.failure.ApplicationFailure;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Whether a lab of each definition would pass the worker's preflight here, its verification
 * method included: the worker's own resolve (the site parameters given, by default this
 * environment's; the definition's defaults) and its own preflight checks, run for a lab that is
 * never started: a stack template its lab id names is known only at run time, said in a row of
 * its own, not read as this lab id's. Nothing is created.
 */
final class PreflightCheck {

  /** The lab id the resolve is asked for; no lab of that id is started. */
  static final String LAB_ID = "doctor";

  private PreflightCheck() {}

  static List<Row> rows(Doctor s) {
    SiteParameters site;
    try {
      site = SiteParameterSource.parse(s.site(), s.siteSource());
    } catch (IllegalArgumentException bad) {
      return List.of(Row.fail("site parameters", bad.getMessage(), "correct " + s.siteSource()));
    }
    // The account guard's row has asked it already (awsBlocked when it refused).
    AwsLabPreflight aws = s.awsBlocked() == null
        ? new AwsLabPreflight(s.aws(), s.definitionsDir()) : null;
    DefinitionActivities resolver = Composition.definitionActivities(
        new DirectoryDefinitionSource(s.definitionsDir()), aws == null ? Preflight.NONE
            : (labId, lab) -> aws.check(labId, lab, LabNeeds.NO_LAB_ID), site);
    return s.eachDefinition("preflight", (name, d) -> Stream.concat(
        Stream.of(check(resolver, "preflight " + name, name, site)),
        LabNeeds.runTimeTemplates(LabNeeds.NO_LAB_ID, QuotaPlanner.bound(d, Doctor.NO_LAB, site))
            .values().stream().map(t -> Row.unknown("preflight " + name, t
                + ", so its template is known only at run time: a run's preflight reads it")))
        .toList());
  }

  static Row check(DefinitionActivities resolver, String check, String name,
      SiteParameters site) {
    try {
      ResolvedLab lab = resolver.resolve(new LabRequest(name, null, LAB_ID, Map.of(), null));
      List<String> methods = AwsLabPreflight.verifications(LAB_ID, lab).stream()
          .map(AwsPreflight.Verification::method).distinct().toList();
      return Row.ok(check, (methods.isEmpty() ? "no verification step"
          : "verification by " + String.join(" and ", methods) + " will work")
          + "; the preflight of a lab passed"
          + (lab.variant() == null ? "" : " (variant " + lab.variant() + ")")
          + (site.values().isEmpty() ? "" : ", site parameters " + site.values().keySet()
          + " from " + site.label()));
    } catch (ApplicationFailure f) {
      if (FailureTypes.ACCOUNT_NOT_ALLOWED.equals(f.getType())) {
        return Row.unknown(check, "not run: " + f.getOriginalMessage());
      }
      if (FailureTypes.INVALID_REQUEST.equals(f.getType()) && f.getDetails().getSize() > 0) {
        return Row.unknown(check, "a lab of it needs run parameters, so its preflight cannot run"
            + " here (" + f.getOriginalMessage() + ")");
      }
      return Row.fail(check, f.getOriginalMessage(), null);
    } catch (RuntimeException e) {
      return Row.unknown(check, "the preflight could not finish ("
          + AwsPreflight.firstLine(e.getMessage()) + ")");
    }
  }
}
