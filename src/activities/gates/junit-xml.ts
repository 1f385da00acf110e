import { ApplicationFailure } from '@temporalio/common';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { z } from 'zod';
import { ToolFailureType } from './tool-failure-types';

/** A `<failure>` or `<error>` element of a test case. */
export interface JUnitProblem {
  kind: 'failure' | 'error';
  /** The `type` attribute, such as `AssertionError`. */
  type?: string;
  /** The `message` attribute; Schemathesis puts its check code here, such as `ST204`. */
  message?: string;
  /** Element text: the stack trace or the tool's report of the problem. */
  text: string;
}

export interface JUnitTestCase {
  suite: string;
  classname?: string;
  name: string;
  file?: string;
  line?: number;
  skipped: boolean;
  problems: JUnitProblem[];
}

const ARRAY_ELEMENTS = new Set(['testsuite', 'testcase', 'failure', 'error', 'skipped']);

const problemSchema = z.object({
  type: z.string().optional(),
  message: z.string().optional(),
  '#text': z.string().optional(),
});

const testCaseSchema = z.object({
  name: z.string(),
  classname: z.string().optional(),
  file: z.string().optional(),
  line: z.string().regex(/^\d+$/).optional(),
  failure: z.array(problemSchema).optional(),
  error: z.array(problemSchema).optional(),
  skipped: z.array(z.unknown()).optional(),
});

const testSuiteSchema = z.object({
  name: z.string().default(''),
  testcase: z.array(testCaseSchema).default([]),
});

const documentSchema = z.union([
  z.object({ testsuites: z.object({ testsuite: z.array(testSuiteSchema).default([]) }) }),
  z.object({ testsuite: z.array(testSuiteSchema) }),
]);

function toProblems(kind: JUnitProblem['kind'], elements: z.infer<typeof problemSchema>[] = []): JUnitProblem[] {
  return elements.map((element) => ({
    kind,
    type: element.type,
    message: element.message,
    text: (element['#text'] ?? '').trim(),
  }));
}

/**
 * Parses a JUnit XML report, with either `<testsuites>` or a single `<testsuite>` as root, into its test cases.
 * Throws a non-retryable InvalidToolOutput failure naming `toolName` when the XML is malformed or has another
 * shape.
 */
export function parseJUnitXml(xml: string, toolName: string): JUnitTestCase[] {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    throw ApplicationFailure.nonRetryable(
      `${toolName} wrote an invalid JUnit XML report: ${valid.err.msg} at line ${valid.err.line}`,
      ToolFailureType.InvalidToolOutput,
    );
  }
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    parseAttributeValue: false,
    parseTagValue: false,
    // Decodes numeric references such as &#10;, which PyTest writes into message attributes.
    htmlEntities: true,
    alwaysCreateTextNode: true,
    isArray: (name) => ARRAY_ELEMENTS.has(name),
  });
  const parsed = documentSchema.safeParse(parser.parse(xml));
  if (!parsed.success) {
    throw ApplicationFailure.nonRetryable(
      `${toolName} wrote a JUnit XML report of an unexpected shape: ${parsed.error.message.slice(0, 500)}`,
      ToolFailureType.InvalidToolOutput,
    );
  }
  const suites = 'testsuites' in parsed.data ? parsed.data.testsuites.testsuite : parsed.data.testsuite;
  return suites.flatMap((suite) =>
    suite.testcase.map((testCase) => ({
      suite: suite.name,
      classname: testCase.classname,
      name: testCase.name,
      file: testCase.file,
      line: testCase.line === undefined ? undefined : Number(testCase.line),
      skipped: (testCase.skipped?.length ?? 0) > 0,
      problems: [...toProblems('failure', testCase.failure), ...toProblems('error', testCase.error)],
    })),
  );
}
