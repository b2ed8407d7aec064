/** How much proof a tool call needs: a normal tool runs on the agent's admission, a sensitive one on a fresh proof too. */
export type Sensitivity = 'normal' | 'sensitive';

/** Where a tool's sensitivity is published in `tools/list`, so an agent knows which calls need a proof. */
export const SENSITIVITY_META = 'admit/sensitivity';

export interface ExampleTool {
  name: string;
  description: string;
  sensitivity: Sensitivity;
  inputSchema: { type: 'object'; properties: Record<string, object>; required?: string[]; additionalProperties?: boolean };
  run(args: Record<string, unknown>): string;
}

/** The example's tools: reports to list (normal) and to delete (sensitive), kept in memory. */
export function exampleTools(): ExampleTool[] {
  const reports = new Set(['q1-revenue', 'q2-revenue', 'incident-42']);
  return [
    {
      name: 'list_reports',
      description: 'Lists the names of the stored reports.',
      sensitivity: 'normal',
      inputSchema: { type: 'object', properties: {}, additionalProperties: false },
      run: () => [...reports].join(', ') || '(none)',
    },
    {
      name: 'delete_report',
      description: 'Deletes a report. Sensitive: every call needs a fresh client assertion.',
      sensitivity: 'sensitive',
      inputSchema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'], additionalProperties: false },
      run: (args) => {
        const name = String(args.name);
        return reports.delete(name) ? `deleted ${name}` : `no report named ${name}`;
      },
    },
  ];
}
