/**
 * YAML with the place of every value: parsing with limits against hostile input, typed access to
 * nodes, plain Java values, and problems reported as {@code FILE:LINE:COLUMN: PATH: message}.
 */
package io.labflow.workflows.yaml;
