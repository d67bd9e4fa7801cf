export {
  createSshProbe,
  createSshRunner,
  createSshSource,
  type RemoteListing,
  type RemotePollRequest,
  type RemotePollResult,
  type RemoteRoots,
  runHelper,
  type SshArtifactSource,
} from "./adapters.ts";
export {
  createSshConnection,
  isSshError,
  remoteCommand,
  type SshConnection,
  type SshConnectionOptions,
  SshError,
  type SshExecResult,
  type SshFailureKind,
  sshArgv,
  validateDestination,
} from "./connection.ts";
export { REMOTE_HELPER_PY } from "./remote-helper.ts";
