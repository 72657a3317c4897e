using System.CommandLine;
using System.Globalization;
using Dstack.Runtime.Runs;

namespace Dstack.Cli.Runs;

/// <summary>The options of <c>dstack run</c>, <c>dstack apply</c> and <c>dstack build</c> (reference §11, the ones that apply locally).</summary>
public sealed class RunOptions
{
    public Argument<string?> Folder { get; } = new("DIR") { Description = "The folder whose code the run gets; its .dstack.yml is the default configuration. Default: the current folder.", Arity = ArgumentArity.ZeroOrOne };

    public Option<string?> File { get; } = new("--file", "-f") { Description = "The configuration file (default: DIR/.dstack.yml).", HelpName = "FILE" };

    public Option<string?> Name { get; } = new("--name", "-n") { Description = "The run name (default: the configuration's name, or a generated adjective-animal-N).", HelpName = "RUN_NAME" };

    public Option<string[]> Env { get; } = new("--env", "-e") { Description = "Set an environment variable, KEY=VALUE, or KEY to take its value from your environment (repeatable).", HelpName = "KEY[=VALUE]", AllowMultipleArgumentsPerToken = false };

    public Option<string[]> Port { get; } = new("--port", "-p") { Description = "Forward a port, LOCAL:CONTAINER, PORT, or *:CONTAINER for any free local port (repeatable; replaces the configuration's mapping of the same container port).", HelpName = "MAPPING" };

    public Option<string?> Host { get; } = new("--host") { Description = "The address forwarded ports listen on. Default: 127.0.0.1 (only this machine); 0.0.0.0 opens them to the network.", HelpName = "HOST" };

    public Option<string?> Gpu { get; } = new("--gpu") { Description = "The GPU spec, such as A100:80GB:2 or 24GB..:1; replaces the configuration's whole gpu spec.", HelpName = "SPEC" };

    public Option<string?> Disk { get; } = new("--disk") { Description = "The disk size or range, such as 100GB.. .", HelpName = "RANGE" };

    public Option<string[]> Backend { get; } = new("--backend", "-b") { Description = "Only consider this backend (repeatable): local (this machine) or ssh (the hosts of dstack pool add-ssh).", HelpName = "NAME" };

    public Option<string[]> Region { get; } = new("--region", "-r") { Description = "Only consider this region (repeatable). The local machine's region is local.", HelpName = "NAME" };

    public Option<string[]> InstanceType { get; } = new("--instance-type") { Description = "Only consider this instance type (repeatable). The local machine's is local.", HelpName = "NAME" };

    public Option<bool> Spot { get; } = new("--spot") { Description = "Only spot instances (the local machine is not one)." };

    public Option<bool> OnDemand { get; } = new("--on-demand") { Description = "Only on-demand instances (the default)." };

    public Option<bool> SpotAuto { get; } = new("--spot-auto") { Description = "Spot when there is one, on-demand otherwise." };

    public Option<string?> SpotPolicy { get; } = new("--spot-policy") { Description = "spot, on-demand or auto.", HelpName = "POLICY" };

    public Option<string?> MaxPrice { get; } = new("--max-price") { Description = "The highest price per hour in dollars (the local machine costs 0).", HelpName = "PRICE" };

    public Option<string?> MaxDuration { get; } = new("--max-duration") { Description = "Stop the run after this long: 90 (seconds), 30m, 2h, 1d, or off.", HelpName = "DURATION" };

    public Option<bool> Retry { get; } = new("--retry") { Description = "Retry on every event (no-capacity, interruption, error) for an hour." };

    public Option<bool> NoRetry { get; } = new("--no-retry") { Description = "Do not retry." };

    public Option<string?> RetryDuration { get; } = new("--retry-duration") { Description = "Retry for this long (implies --retry when the configuration has no retry).", HelpName = "DURATION" };

    public Option<string?> Profile { get; } = new("--profile") { Description = "The profile from .dstack/profiles.yml or ~/.dstack/profiles.yml (default: $DSTACK_PROFILE, then the default profile).", HelpName = "NAME" };

    public Option<bool> Detach { get; } = new("--detach", "-d") { Description = "Submit the run and return at once; it keeps going (see dstack ps, logs, attach, stop)." };

    public Option<bool> Yes { get; } = new("--yes", "-y") { Description = "Do not ask for confirmation." };

    public Option<bool> DryRun { get; } = new("--dry-run") { Description = "Show the plan and stop." };

    public Option<bool> ForceBuild { get; } = new("--force-build") { Description = "Rebuild the build: environment even when a cached one matches." };

    public Option<bool> Build { get; } = new("--build") { Description = "Prepare the build: environment when it is missing or outdated (the default; kept for dstack 0.11 scripts)." };

    public Option<bool> Reload { get; } = new("--reload") { Description = "Copy edits in DIR into the running job's working copy while it runs (for apps that reload themselves)." };

    public Option<bool> NoColor { get; } = new("--no-color") { Description = "Never use colour (also: NO_COLOR)." };

    /// <summary>
    /// For programs that drive <c>dstack run</c> through a pipe, such as the MSBuild DstackRun task: when standard input
    /// closes (the program cancelled, or died), the run is stopped as by a Ctrl+C. Hidden: people never need it.
    /// </summary>
    public Option<bool> StopWhenInputCloses { get; } = new("--stop-when-input-closes") { Description = "Stop the run when standard input closes (for programs that start dstack run).", Hidden = true };

    public IEnumerable<Option> All =>
    [
        File, Name, Env, Port, Host, Gpu, Disk, Backend, Region, InstanceType, Spot, OnDemand, SpotAuto, SpotPolicy, MaxPrice,
        MaxDuration, Retry, NoRetry, RetryDuration, Profile, Detach, Yes, DryRun, ForceBuild, Build, Reload, NoColor,
        StopWhenInputCloses,
    ];

    /// <summary>Option names that take a value and that are flags, for <see cref="RunArgumentSplitter"/>.</summary>
    public (IReadOnlySet<string> Values, IReadOnlySet<string> Flags) Names()
    {
        var values = new HashSet<string>(StringComparer.Ordinal);
        var flags = new HashSet<string>(StringComparer.Ordinal) { "-h", "--help", "-?" };
        foreach (var option in All)
        {
            var target = option.ValueType == typeof(bool) ? flags : values;
            target.Add(option.Name);
            foreach (var alias in option.Aliases)
            {
                target.Add(alias);
            }
        }

        return (values, flags);
    }

    /// <summary>
    /// Options that mean nothing to <c>dstack build</c>, which runs the build commands and stops: nothing listens, nothing
    /// is forwarded or reloaded, and a failed build is not retried. Still accepted there (scripts that pass them keep
    /// working), but hidden from its help.
    /// </summary>
    public IEnumerable<Option> NotForBuild => [Port, Host, Reload, Build, Retry, NoRetry, RetryDuration];

    public void AddTo(Command command, bool build = false)
    {
        command.Arguments.Add(Folder);
        foreach (var option in All)
        {
            option.Hidden |= build && NotForBuild.Contains(option);
            command.Options.Add(option);
        }
    }

    /// <summary>The typed overrides; option values that cannot be read become usage errors.</summary>
    public RunOverrides ToOverrides(ParseResult parse, IReadOnlyList<string> runArgs, List<string> errors)
    {
        var spotFlags = new[] { (parse.GetValue(Spot), "spot"), (parse.GetValue(OnDemand), "on-demand"), (parse.GetValue(SpotAuto), "auto") }.Where(f => f.Item1).Select(f => f.Item2).ToList();
        if (parse.GetValue(SpotPolicy) is { } policy)
        {
            spotFlags.Add(policy);
        }

        if (spotFlags.Distinct().Count() > 1)
        {
            errors.Add("--spot, --on-demand, --spot-auto and --spot-policy exclude each other; give one");
        }

        if (new[] { parse.GetValue(Retry), parse.GetValue(NoRetry), parse.GetValue(RetryDuration) is not null }.Count(b => b) > 1)
        {
            errors.Add("--retry, --no-retry and --retry-duration exclude each other; give one");
        }

        double? maxPrice = null;
        if (parse.GetValue(MaxPrice) is { } priceText)
        {
            if (double.TryParse(priceText, NumberStyles.Float, CultureInfo.InvariantCulture, out var price))
            {
                maxPrice = price;
            }
            else
            {
                errors.Add($"--max-price {priceText}: not a number; write dollars per hour such as 1.5");
            }
        }

        return new RunOverrides
        {
            Name = parse.GetValue(Name),
            Env = parse.GetValue(Env) ?? [],
            Ports = parse.GetValue(Port) ?? [],
            Host = parse.GetValue(Host),
            Gpu = parse.GetValue(Gpu),
            Disk = parse.GetValue(Disk),
            Backends = parse.GetValue(Backend) ?? [],
            Regions = parse.GetValue(Region) ?? [],
            InstanceTypes = parse.GetValue(InstanceType) ?? [],
            SpotPolicy = spotFlags.FirstOrDefault(),
            MaxPrice = maxPrice,
            MaxDuration = parse.GetValue(MaxDuration),
            Retry = parse.GetValue(Retry) ? true : parse.GetValue(NoRetry) ? false : null,
            RetryDuration = parse.GetValue(RetryDuration),
            Profile = parse.GetValue(Profile),
            RunArgs = runArgs,
            ForceBuild = parse.GetValue(ForceBuild),
            Reload = parse.GetValue(Reload),
        };
    }
}
