namespace Dstack.Runtime.Diagnostics;

/// <summary>
/// Every diagnostic code in one place. Ranges: 0xxx MSBuild and set-up, 1xxx YAML and schema,
/// 2xxx semantic rules (resources, ports, env, volumes, durations), 3xxx run and backend, 9xxx internal.
/// Codes are never reused for a different meaning.
/// </summary>
public static class DiagnosticCodes
{
    // 0xxx: set-up and command line
    public const string FileNotFound = "DSTK0001";
    public const string FileUnreadable = "DSTK0002";
    public const string NoConfigurationFound = "DSTK0003";
    public const string MsBuildSetup = "DSTK0004";
    public const string MsBuildConfigurationChoice = "DSTK0005";
    public const string MsBuildNoRunToStop = "DSTK0006";
    public const string MsBuildOutputHidden = "DSTK0007";
    public const string MsBuildServiceNotReady = "DSTK0008";

    // 1xxx: YAML and schema
    public const string YamlSyntax = "DSTK1001";
    public const string DuplicateKey = "DSTK1002";
    public const string EmptyDocument = "DSTK1003";
    public const string TopLevelNotMapping = "DSTK1004";
    public const string InvalidEncoding = "DSTK1005";
    public const string TabIndentation = "DSTK1006";
    public const string UnknownAlias = "DSTK1007";
    public const string MultipleDocuments = "DSTK1008";
    public const string NestingTooDeep = "DSTK1009";
    public const string UnknownProperty = "DSTK1010";
    public const string WrongType = "DSTK1011";
    public const string MissingProperty = "DSTK1012";
    public const string InvalidEnumValue = "DSTK1013";
    public const string InvalidConfigurationType = "DSTK1014";
    public const string Yaml11Trap = "DSTK1015";
    public const string NullNotAllowed = "DSTK1016";
    public const string DeprecatedProperty = "DSTK1017";

    // 2xxx: semantic rules
    public const string InvalidMemory = "DSTK2001";
    public const string InvalidRange = "DSTK2002";
    public const string InvalidRangeOrder = "DSTK2003";
    public const string InvalidInteger = "DSTK2004";
    public const string InvalidGpuSpec = "DSTK2005";
    public const string UnknownGpuName = "DSTK2006";
    public const string UnsatisfiableGpu = "DSTK2007";
    public const string InvalidGpuVendor = "DSTK2008";
    public const string InvalidComputeCapability = "DSTK2009";
    public const string SuspiciousNumber = "DSTK2010";
    public const string GpuCountLooksLikeName = "DSTK2011";
    public const string InvalidDuration = "DSTK2020";
    public const string InvalidRetry = "DSTK2021";
    public const string InvalidPrice = "DSTK2022";
    public const string InvalidPort = "DSTK2030";
    public const string DuplicatePort = "DSTK2031";
    public const string ReservedPort = "DSTK2032";
    public const string InvalidEnvName = "DSTK2040";
    public const string DuplicateEnv = "DSTK2041";
    public const string InvalidVolume = "DSTK2050";
    public const string InvalidName = "DSTK2060";
    public const string InvalidPython = "DSTK2061";
    public const string ImageAndPython = "DSTK2062";
    public const string NothingToRun = "DSTK2063";
    public const string InvalidNodes = "DSTK2064";
    public const string InvalidUser = "DSTK2065";
    public const string InvalidWorkingDir = "DSTK2066";
    public const string InvalidService = "DSTK2067";
    public const string InvalidShell = "DSTK2068";
    public const string InvalidFiles = "DSTK2069";
    public const string InvalidPriority = "DSTK2073";
    public const string InvalidInterpolation = "DSTK2070";
    public const string UnknownReference = "DSTK2071";
    public const string InvalidRegistryAuth = "DSTK2072";
    public const string InvalidProfile = "DSTK2080";
    public const string UnknownProfile = "DSTK2081";
    public const string InvalidWorkflow = "DSTK2090";
    public const string UnknownWorkflow = "DSTK2091";
    public const string WorkflowCycle = "DSTK2092";

    // 210x: services
    public const string ServiceReplicasSharePort = "DSTK2100";
    public const string InvalidChatTemplate = "DSTK2101";
    public const string ServiceGatewayUnavailable = "DSTK2102";
    public const string OptionNotForService = "DSTK2103";

    // 3xxx: run and backend
    public const string RequiredEnvMissing = "DSTK3001";
    public const string NoMatchingPython = "DSTK3002";
    public const string DockerUnavailable = "DSTK3003";
    public const string ResourcesUnmet = "DSTK3004";
    public const string PortBusy = "DSTK3005";
    public const string PortConflict = "DSTK3006";
    public const string SnapshotFailed = "DSTK3007";
    public const string RunNotFound = "DSTK3008";
    public const string RunNameTaken = "DSTK3009";
    public const string NoOffers = "DSTK3010";
    public const string BuildFailed = "DSTK3011";
    public const string InvalidOption = "DSTK3012";
    public const string UnsupportedLocally = "DSTK3013";
    public const string StateUnavailable = "DSTK3014";
    public const string DotEnvSyntax = "DSTK3015";
    public const string JobStartFailed = "DSTK3016";
    public const string NoCapacity = "DSTK3017";
    public const string RunFailed = "DSTK3018";
    public const string HostsConfigInvalid = "DSTK3019";
    public const string HostUnreachable = "DSTK3020";
    public const string HostAuthFailed = "DSTK3021";
    public const string HostKeyChanged = "DSTK3022";
    public const string HostNameTaken = "DSTK3023";
    public const string HostNotFound = "DSTK3024";
    public const string HostProbeFailed = "DSTK3025";
    public const string UnsupportedOnSsh = "DSTK3026";
    public const string CodeUploadFailed = "DSTK3027";
    public const string HostLost = "DSTK3028";
    public const string InstanceNotFound = "DSTK3029";
    public const string InstanceInUse = "DSTK3030";
    public const string TerminateFailed = "DSTK3031";
    public const string ImageUnavailable = "DSTK3032";
    public const string ContainerFailed = "DSTK3033";

    // 304x: pipelines' artifacts, tags and caches in the state (dstack artifacts, tags, prune cache)
    public const string ArtifactNotFound = "DSTK3040";
    public const string ArtifactChanged = "DSTK3041";
    public const string ArtifactDownloadFailed = "DSTK3042";
    public const string TagTaken = "DSTK3043";
    public const string TagNotFound = "DSTK3044";
    public const string RunNotFinished = "DSTK3045";
    public const string PruneFailed = "DSTK3046";
    public const string DevEnvironmentUnreachable = "DSTK3055";

    // 9xxx: internal
    public const string InternalError = "DSTK9001";

    /// <summary>Every code with a one-line title, in code order: used by the docs and tests.</summary>
    public static IReadOnlyList<(string Code, string Title)> All { get; } =
    [
        (FileNotFound, "A file or folder named on the command line does not exist"),
        (FileUnreadable, "A file could not be read"),
        (NoConfigurationFound, "No configuration file was found"),
        (MsBuildSetup, "The MSBuild targets cannot run the dstack CLI: it is missing or refused the command line"),
        (MsBuildConfigurationChoice, "DstackRun cannot tell which configuration to run: the one named does not exist, or the project has none or several"),
        (MsBuildNoRunToStop, "DstackStop does not know which run to stop: set DstackRunName, or start the run with DstackRun first"),
        (MsBuildOutputHidden, "The terminal logger (dotnet build's default in a terminal) hides a run's output until the end: build with -tl:off to follow it live"),
        (MsBuildServiceNotReady, "DstackRun submitted a service that did not become ready: the run ended, or DstackServiceReadyTimeout passed"),
        (YamlSyntax, "The file is not valid YAML"),
        (DuplicateKey, "A key appears twice in one mapping"),
        (EmptyDocument, "The file is empty"),
        (TopLevelNotMapping, "The top level is not a mapping"),
        (InvalidEncoding, "The file is not UTF-8"),
        (TabIndentation, "Tabs are used for indentation"),
        (UnknownAlias, "An alias names no anchor"),
        (MultipleDocuments, "The file holds more than one YAML document"),
        (NestingTooDeep, "Values nest deeper than the reader allows"),
        (UnknownProperty, "A property that the configuration type does not have"),
        (WrongType, "A value of the wrong type"),
        (MissingProperty, "A required property is missing"),
        (InvalidEnumValue, "A value outside the allowed set"),
        (InvalidConfigurationType, "`type` is missing or unknown"),
        (Yaml11Trap, "YAML 1.1 reads the value differently from how it looks"),
        (NullNotAllowed, "A property that cannot be null is null"),
        (DeprecatedProperty, "A property that has no effect any more"),
        (InvalidMemory, "A size that is not a number with MB, GB or TB"),
        (InvalidRange, "A malformed or empty range"),
        (InvalidRangeOrder, "A range whose minimum is above its maximum"),
        (InvalidInteger, "A value that is not a whole number"),
        (InvalidGpuSpec, "A malformed GPU spec"),
        (UnknownGpuName, "A GPU name the catalog does not know"),
        (UnsatisfiableGpu, "No known GPU can satisfy the spec"),
        (InvalidGpuVendor, "An unknown GPU vendor, or AMD without `image`"),
        (InvalidComputeCapability, "A malformed compute capability"),
        (SuspiciousNumber, "A number that only a Python coercion accident would accept"),
        (GpuCountLooksLikeName, "A GPU count that looks like a GPU model"),
        (InvalidDuration, "A malformed duration"),
        (InvalidRetry, "A malformed retry policy"),
        (InvalidPrice, "A price that is not a positive number"),
        (InvalidPort, "A malformed or out-of-range port"),
        (DuplicatePort, "The same port is mapped twice"),
        (ReservedPort, "A port in the reserved range 10000-10999"),
        (InvalidEnvName, "An environment variable name that is not a valid identifier"),
        (DuplicateEnv, "An environment variable defined twice"),
        (InvalidVolume, "A malformed volume mount, or one that cannot be mounted where the run goes (a network volume; an instance volume without a container)"),
        (InvalidName, "A run name that does not match the naming rule"),
        (InvalidPython, "An unsupported Python version"),
        (ImageAndPython, "`image` and `python` are both set"),
        (NothingToRun, "Neither `commands` nor `image` is set"),
        (InvalidNodes, "`nodes` is below 1"),
        (InvalidUser, "A malformed `user`"),
        (InvalidWorkingDir, "A `working_dir` that is absolute or leaves the repository"),
        (InvalidService, "A service property combination dstack rejects"),
        (InvalidShell, "A `shell` that is not sh, bash or an absolute path"),
        (InvalidFiles, "A malformed `files` entry"),
        (InvalidInterpolation, "A malformed `${{ ... }}` reference"),
        (UnknownReference, "A `${{ ... }}` reference to a variable that does not exist"),
        (InvalidRegistryAuth, "A malformed `registry_auth`, or a password written in the file"),
        (InvalidPriority, "A `priority` outside 0 to 100"),
        (InvalidProfile, "A malformed profiles file"),
        (UnknownProfile, "A profile name that no profiles file defines"),
        (InvalidWorkflow, "A malformed pipelines workflow"),
        (UnknownWorkflow, "A workflow name (dstack run NAME, deps) that no .dstack/workflows file defines, or a tag that no run has"),
        (WorkflowCycle, "Workflows whose deps form a cycle"),
        (ServiceReplicasSharePort, "Service replicas share a machine, and the commands never read $DSTACK_SERVICE_PORT"),
        (InvalidChatTemplate, "A service model's `chat_template` does not parse"),
        (ServiceGatewayUnavailable, "A service's `gateway` or `https`: there is no gateway here"),
        (RequiredEnvMissing, "A required environment variable has no value from -e, the environment or .env"),
        (NoMatchingPython, "No Python interpreter on this machine matches `python`"),
        (DockerUnavailable, "`image` needs a Docker engine and none answers"),
        (ResourcesUnmet, "The machine cannot meet the `resources` the run asks for"),
        (PortBusy, "A local port the run needs is already in use"),
        (PortConflict, "Two port mappings use the same local or container port"),
        (SnapshotFailed, "The working copy of the code could not be made"),
        (RunNotFound, "No run with that name in the state"),
        (RunNameTaken, "An active run already has that name"),
        (NoOffers, "No backend offer passes the backend, region, spot and price filters"),
        (BuildFailed, "The `build` commands failed"),
        (InvalidOption, "A command-line option value is malformed"),
        (UnsupportedLocally, "A property the local backend cannot honour"),
        (StateUnavailable, "The state store in $DSTACK_HOME could not be opened or written"),
        (DotEnvSyntax, "A malformed line in a .env file"),
        (JobStartFailed, "A job's process could not be started"),
        (NoCapacity, "The machine has what the run needs, but other active runs hold it (GPUs)"),
        (RunFailed, "The run ended without finishing its work: a job exited with a non-zero code, or the run was stopped (max_duration, dstack stop)"),
        (HostsConfigInvalid, "$DSTACK_HOME/config.yml cannot be read or written: malformed YAML, or a `backends` entry (or a host of the old `ssh_hosts` list) that breaks a rule"),
        (HostUnreachable, "An SSH host does not answer: connection refused, unknown name, no route, or no answer in time"),
        (HostAuthFailed, "An SSH host refused the login: no key it accepts for that user"),
        (HostKeyChanged, "An SSH host's key differs from the one recorded on first contact"),
        (HostNameTaken, "An SSH host with that name is already in the pool"),
        (HostNotFound, "No SSH host with that name in the pool"),
        (HostProbeFailed, "An SSH host answered, but its resources could not be read (no ssh client here, or the probe script failed)"),
        (UnsupportedOnSsh, "A property SSH hosts cannot honour yet (build, --reload)"),
        (CodeUploadFailed, "The code could not be uploaded to an SSH host (a full disk, a dropped connection)"),
        (HostLost, "An SSH host stopped answering during a run for longer than the reconnect window"),
        (InstanceNotFound, "No instance with that id in the state"),
        (InstanceInUse, "The instance's run is still active: stop the run first (or terminate it with --force)"),
        (TerminateFailed, "A backend could not terminate an instance now; it stays terminating and the next dstack command tries again"),
        (ImageUnavailable, "The job's image could not be pulled (unknown image or tag, credentials refused, no network) or the host's Docker engine does not answer"),
        (ContainerFailed, "The Docker engine refused to create or start the job's container (a name in use, a user or entrypoint the image lacks, no NVIDIA runtime)"),
        (ArtifactNotFound, "A path that the run's saved artifacts do not hold, or a run with no saved artifacts"),
        (ArtifactChanged, "A saved artifact no longer matches the hash recorded when the run saved it, or its files are gone"),
        (ArtifactDownloadFailed, "A download would overwrite existing files that differ (without --force), or its destination cannot be written"),
        (TagTaken, "A tag of that name already names a run"),
        (TagNotFound, "No tag with that name"),
        (RunNotFinished, "The run is still active: tag it when it has ended"),
        (PruneFailed, "A cache could not be deleted (permissions, a file in use)"),
        (DevEnvironmentUnreachable, "A dev environment runs, but ssh RUN could not be set up (no sshd on the job's machine, the SSH config cannot be written)"),
        (InternalError, "An internal error: please report it"),
    ];
}
