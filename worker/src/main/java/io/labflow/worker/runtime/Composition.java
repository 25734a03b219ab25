package io.labflow.worker.runtime;

import io.labflow.activities.StepLibrary;
import io.labflow.activities.common.AccountGuard;
import io.labflow.activities.common.AccountPolicy;
import io.labflow.activities.common.AwsClients;
import io.labflow.workflows.binding.DefinitionActivitiesImpl;
import io.labflow.workflows.binding.SiteParameters;
import io.labflow.workflows.catalog.ActionCatalog;
import io.labflow.workflows.definition.DefinitionLoader;
import io.labflow.workflows.definition.DefinitionSource;
import io.labflow.workflows.definition.LoadResult;
import io.labflow.workflows.lab.DefinitionActivities;
import io.labflow.workflows.lab.Preflight;
import java.util.List;
import java.util.stream.Stream;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;

/**
 * The composition root's parts that the worker, the command line and doctor share: the catalog of
 * the step library, the loader over it, the definition resolver and the guarded AWS clients. The
 * worker's own wiring is {@link LabWorker}'s constructor.
 */
public final class Composition {

  /** Every action a step file may use, as declared by the step library. */
  public static final ActionCatalog CATALOG =
      ActionCatalog.fromActivityInterfaces(
          StepLibrary.activityInterfaces().toArray(Class<?>[]::new));

  private Composition() {}

  /** Loads and validates one step file without touching Temporal or AWS. */
  public static LoadResult validate(String fileName, String text) {
    return new DefinitionLoader(CATALOG).load(fileName, text);
  }

  /**
   * The definition-resolving activity: reads definitions from the source, fills in the site's
   * parameter values between the run's own and the definition's defaults, and runs the preflight
   * on every bound request before the lab's first step.
   */
  public static DefinitionActivities definitionActivities(
      DefinitionSource source, Preflight preflight, SiteParameters site) {
    return new DefinitionActivitiesImpl(source, new DefinitionLoader(CATALOG), preflight, site);
  }

  /**
   * AWS clients built once from the standard AWS configuration (env, profile, endpoint), guarded by
   * the account guard of this process's configuration, with these execution interceptors (the
   * worker's call counter) after it. Every client this module builds goes through here, so no AWS
   * call of the worker or of a CLI command reaches an account that is not allowed.
   */
  public static AwsAccess awsAccess(List<ExecutionInterceptor> interceptors) {
    try {
      // The SDK's own chain (EC2 metadata last: a worker on EC2 gets its region there).
      new DefaultAwsRegionProviderChain().getRegion();
    } catch (SdkClientException e) {
      // The SDK's message names each provider by its object hash.
      throw SdkClientException.create("no AWS region: set AWS_REGION, or a region in the profile"
          + " AWS_PROFILE names (default: default) in ~/.aws/config");
    }
    AccountGuard guard = new AccountGuard(AccountPolicy.fromEnvironment());
    AwsClients clients = AwsClients.fromEnvironment(
        Stream.concat(Stream.of(guard), interceptors.stream()).toList());
    guard.bind(clients.sts(), clients.iam());
    return new AwsAccess(clients, guard);
  }

  /** A worker's AWS clients and the account guard on them, whose {@code verify} runs first. */
  public record AwsAccess(AwsClients clients, AccountGuard guard) {}
}
