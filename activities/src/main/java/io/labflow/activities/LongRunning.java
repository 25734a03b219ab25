package io.labflow.activities;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a step-library action that waits (for CloudFormation, for IAM to propagate) and heartbeats
 * while it waits. The engine's action catalog reads it (by its simple name, since the engine does
 * not depend on this module) and gives every step and undo of such an action a heartbeat timeout
 * when the step file gives none, so a worker killed in the middle is noticed in about a minute.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface LongRunning {}
