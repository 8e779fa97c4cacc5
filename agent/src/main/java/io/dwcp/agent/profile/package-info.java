/**
 * The host codec profile (issue 15): what this host's codecs really do, learnt from {@code dwcp_transfer_outcome}
 * reports and seeded by a first-start micro-benchmark, persisted under {@code dwcp.state-dir}, and the correction it
 * makes to the compression selector's choices. Depends on ingest, config, predict and the models' cost model; nothing
 * here knows the pipeline or the registry.
 */
package io.dwcp.agent.profile;
