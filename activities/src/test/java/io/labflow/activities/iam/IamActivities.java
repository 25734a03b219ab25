package io.labflow.activities.iam;

import io.labflow.activities.iam.policies.PolicyActivities;
import io.labflow.activities.iam.profiles.InstanceProfileActivities;
import io.labflow.activities.iam.roles.RoleActivities;
import io.temporal.activity.ActivityInterface;

/**
 * Every IAM step in one interface, for a test that wants one stub for all of them (not a
 * main type). The worker registers the three parts ({@link RoleActivities}, {@link
 * PolicyActivities}, {@link InstanceProfileActivities}); their activity types are the same.
 */
@ActivityInterface
public interface IamActivities
    extends RoleActivities, PolicyActivities, InstanceProfileActivities {}
