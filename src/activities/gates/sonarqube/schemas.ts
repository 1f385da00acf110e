import { z } from 'zod';

// Response shapes of the SonarQube Web API calls the SAST gate makes, from the response examples SonarQube ships
// with each web service (server/sonar-webserver-webapi/.../ws/*-example.json) in 9.9 LTS and 10.x. Unknown
// fields pass, so newer releases that add fields still parse.

/** Compute Engine task states; the last three are final. */
export const ceTaskStatusSchema = z.enum(['PENDING', 'IN_PROGRESS', 'SUCCESS', 'FAILED', 'CANCELED']);

/** `GET /api/ce/task?id=` */
export const ceTaskResponseSchema = z.object({
  task: z.object({
    id: z.string(),
    type: z.string().optional(),
    componentKey: z.string().optional(),
    status: ceTaskStatusSchema,
    /** Set once the task succeeded; the quality gate and measures of this analysis are read by it. */
    analysisId: z.string().optional(),
    branch: z.string().optional(),
    pullRequest: z.string().optional(),
    errorMessage: z.string().optional(),
    executionTimeMs: z.number().optional(),
  }),
});

const qualityGateConditionSchema = z.object({
  status: z.enum(['OK', 'WARN', 'ERROR', 'NO_VALUE']),
  metricKey: z.string(),
  comparator: z.string().optional(),
  errorThreshold: z.string().optional(),
  actualValue: z.string().optional(),
});

/** `GET /api/qualitygates/project_status` */
export const projectStatusResponseSchema = z.object({
  projectStatus: z.object({
    /** NONE means no quality gate is assigned to the project. */
    status: z.enum(['OK', 'WARN', 'ERROR', 'NONE']),
    conditions: z.array(qualityGateConditionSchema).default([]),
  }),
});

const impactSchema = z.object({
  softwareQuality: z.string(),
  /** LOW, MEDIUM and HIGH since 10.2; INFO and BLOCKER since 10.8. */
  severity: z.string(),
});

const issueSchema = z.object({
  key: z.string(),
  rule: z.string(),
  component: z.string(),
  message: z.string().default(''),
  line: z.number().int().optional(),
  /** Legacy severity: INFO, MINOR, MAJOR, CRITICAL or BLOCKER. Deprecated since 10.4 but still returned. */
  severity: z.string().optional(),
  /** Legacy type: BUG, VULNERABILITY or CODE_SMELL. */
  type: z.string().optional(),
  /** Software-quality impacts, returned since 10.2. */
  impacts: z.array(impactSchema).optional(),
});

/**
 * `GET /api/issues/search`. 9.9 returns `total`, `p` and `ps` next to `paging` (deprecated since 9.8); 10.x
 * returns only `paging`, so the gate reads `paging`.
 */
export const issueSearchResponseSchema = z.object({
  paging: z.object({
    pageIndex: z.number().int().positive(),
    pageSize: z.number().int().positive(),
    total: z.number().int().nonnegative(),
  }),
  issues: z.array(issueSchema),
});

/** `{"errors":[{"msg":"…"}]}`, the body of SonarQube's 4xx responses. */
export const errorResponseSchema = z.object({ errors: z.array(z.object({ msg: z.string() })).min(1) });

export type CeTask = z.output<typeof ceTaskResponseSchema>['task'];
export type ProjectStatus = z.output<typeof projectStatusResponseSchema>['projectStatus'];
export type SonarQubeIssue = z.output<typeof issueSchema>;
