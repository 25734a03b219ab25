package io.labflow.workflows.lab;

import io.temporal.common.SearchAttributeKey;
import java.util.List;

/** The custom search attributes that let people find labs in the Temporal UI. All are Keyword. */
public final class LabSearchAttributes {
  public static final SearchAttributeKey<String> LAB_ID = SearchAttributeKey.forKeyword("LabId");
  public static final SearchAttributeKey<String> DEFINITION =
      SearchAttributeKey.forKeyword("LabDefinition");
  public static final SearchAttributeKey<String> VARIANT =
      SearchAttributeKey.forKeyword("LabVariant");
  public static final SearchAttributeKey<String> STATE = SearchAttributeKey.forKeyword("LabState");

  /**
   * Every one of them: what a namespace must register (tests, the dev servers of scripts/stack and
   * the end-to-end tests). A start sets LabId, LabDefinition and LabVariant; the run keeps
   * LabVariant and LabState up to date.
   */
  public static final List<SearchAttributeKey<String>> ALL = List.of(LAB_ID, DEFINITION, VARIANT, STATE);

  private LabSearchAttributes() {}
}
