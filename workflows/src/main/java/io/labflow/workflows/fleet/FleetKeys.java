package io.labflow.workflows.fleet;

import java.util.List;

/**
 * Every key a fleet file accepts, level by level. The loader rejects any other key, and a test
 * checks that {@code definitions/schema/fleet.schema.json} declares exactly these.
 */
public final class FleetKeys {

  public static final List<String> TOP_LEVEL =
      List.of(
          "name",
          "description",
          "definition",
          "variant",
          "parameters",
          "labs",
          "schedule",
          "concurrency",
          "quarantineAfter",
          "quotaShortfall");

  /** Keys of one lab of an explicit list. */
  public static final List<String> LAB = List.of("id", "variant", "parameters");

  /** Keys of {@code labs} when the labs are numbered: {@code prefix} then 01, 02, ... */
  public static final List<String> NUMBERED = List.of("prefix", "count");

  public static final List<String> SCHEDULE = List.of("cron", "timeZone", "catchupWindow", "jitter");

  /** Bounds and defaults, in one place for the loader, the schema and the workflow. */
  public static final int MAX_LABS = 10_000;

  public static final int MAX_CONCURRENCY = 200;
  public static final int DEFAULT_CONCURRENCY = 5;
  public static final int MAX_QUARANTINE_AFTER = 100;
  public static final int DEFAULT_QUARANTINE_AFTER = 3;
  /** {@code quotaShortfall}: reset the labs that fit, in file order (the default). */
  public static final String AS_MANY_AS_FIT = "as-many-as-fit";
  /** {@code quotaShortfall}: reset no lab when they do not all fit. */
  public static final String NONE = "none";
  public static final List<String> QUOTA_SHORTFALL = List.of(AS_MANY_AS_FIT, NONE);
  public static final String DEFAULT_TIME_ZONE = "UTC";
  public static final String DEFAULT_CATCHUP_WINDOW = "1h";
  public static final String DEFAULT_JITTER = "0s";

  private FleetKeys() {}
}
