export declare const FERRETDB_VERSION: string;
export declare const BINARY: string;
export declare function ensureFerretdb(options?: { log?: (line: string) => void }): string;
export declare function installedVersion(binary?: string): string | null;
export declare function freePort(): Promise<number>;
export interface RunningFerretdb {
  uri: string;
  port: number;
  pid: number;
  stop(): Promise<void>;
  exited: Promise<number | null>;
}
export declare function startFerretdb(options: {
  dataDir: string;
  port?: number;
  logFile?: string;
  binary?: string;
  timeoutMs?: number;
}): Promise<RunningFerretdb>;
