export function missingToolsLine(marks: Iterable<{ name: string; install: string } | undefined>): string | undefined;
