// A report's document for scripts: JSON, or YAML 1.1 (what kubectl and older readers take) for people.
import { stringify } from 'yaml';

export function documentText(doc: unknown, format: 'json' | 'yaml'): string {
  return format === 'json' ? `${JSON.stringify(doc, null, 2)}\n` : stringify(doc, { version: '1.1' });
}
