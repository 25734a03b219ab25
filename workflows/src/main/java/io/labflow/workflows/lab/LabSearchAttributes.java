package io.labflow.workflows.lab;

import io.temporal.common.SearchAttributeKey;

/** The custom search attributes that let people find labs in the Temporal UI. All are Keyword. */
public final class LabSearchAttributes {
  public static final SearchAttributeKey<String> LAB_ID = SearchAttributeKey.forKeyword("LabId");
  public static final SearchAttributeKey<String> DEFINITION =
      SearchAttributeKey.forKeyword("LabDefinition");
  public static final SearchAttributeKey<String> VARIANT =
      SearchAttributeKey.forKeyword("LabVariant");
  public static final SearchAttributeKey<String> STATE = SearchAttributeKey.forKeyword("LabState");

  private LabSearchAttributes() {}
}
