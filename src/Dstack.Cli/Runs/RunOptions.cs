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

    public Option<string?> Workflow { get; } = new("--workflow") { Description = "Run the workflow NAME of .dstack/workflows (the same as dstack run NAME; needed when a folder has that name too).", HelpName = "NAME" };

    public Option<bool> WithDeps { get; } = new("--with-deps") { Description = "For a workflow: run the workflows its deps name first, in order, each after the one it needs; stop at the first that fails." };

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
        StopWhenInputCloses, Workflow, WithDeps,
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
    public IEnumerable<Option> NotForBuild => [Port, Host, Reload, Build, Retry, NoRetry, RetryDuration, Workflow, WithDeps];

    public void AddTo(Command command, bool build = false)
    {
        command.Arguments.Add(Folder);
        foreach (var option in All)
        {
            option.Hidden |= build && NotForBuild.Contains(option);
            command.Options.Add(option);
        }
    }

    /// <summary>The options that decide which offers fit (<c>dstack offer</c>): the configuration, the resources, the offer filters, the profile.</summary>
    public IEnumerable<Option> ForOffers => [File, Env, Gpu, Disk, Backend, Region, InstanceType, Spot, OnDemand, SpotAuto, SpotPolicy, MaxPrice, Profile];

    /// <summary>Adds <see cref="Folder"/> and <see cref="ForOffers"/> to <paramref name="command"/>.</summary>
    public void AddOfferOptionsTo(Command command)
    {
        command.Arguments.Add(Folder);
        foreach (var option in ForOffers)
        {
            command.Options.Add(option);
        }
    }

    /// <summary>The typed overrides; option values that cannot be read become usage errors. Options the command does not have are left unset.</summary>
    public RunOverrides ToOverrides(ParseResult parse, IReadOnlyList<string> runArgs, List<string> errors)
    {
        var own = parse.CommandResult.Command.Options;
        var spotFlags = new[] { (Value(parse, own, Spot), "spot"), (Value(parse, own, OnDemand), "on-demand"), (Value(parse, own, SpotAuto), "auto") }.Where(f => f.Item1).Select(f => f.Item2).ToList();
        if (Value(parse, own, SpotPolicy) is { } policy)
        {
            spotFlags.Add(policy);
        }

        if (spotFlags.Distinct().Count() > 1)
        {
            errors.Add("--spot, --on-demand, --spot-auto and --spot-policy exclude each other; give one");
        }

        if (new[] { Value(parse, own, Retry), Value(parse, own, NoRetry), Value(parse, own, RetryDuration) is not null }.Count(b => b) > 1)
        {
            errors.Add("--retry, --no-retry and --retry-duration exclude each other; give one");
        }

        double? maxPrice = null;
        if (Value(parse, own, MaxPrice) is { } priceText)
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
            Name = Value(parse, own, Name),
            Env = Value(parse, own, Env) ?? [],
            Ports = Value(parse, own, Port) ?? [],
            Host = Value(parse, own, Host),
            Gpu = Value(parse, own, Gpu),
            Disk = Value(parse, own, Disk),
            Backends = Value(parse, own, Backend) ?? [],
            Regions = Value(parse, own, Region) ?? [],
            InstanceTypes = Value(parse, own, InstanceType) ?? [],
            SpotPolicy = spotFlags.FirstOrDefault(),
            MaxPrice = maxPrice,
            MaxDuration = Value(parse, own, MaxDuration),
            Retry = Value(parse, own, Retry) ? true : Value(parse, own, NoRetry) ? false : null,
            RetryDuration = Value(parse, own, RetryDuration),
            Profile = Value(parse, own, Profile),
            RunArgs = runArgs,
            ForceBuild = Value(parse, own, ForceBuild),
            Reload = Value(parse, own, Reload),
        };
    }

    private static T? Value<T>(ParseResult parse, IList<Option> own, Option<T> option) => own.Contains(option) ? parse.GetValue(option) : default;
}
