using System.CommandLine;
using Dstack.Cli.Runs;
using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Names;
using Dstack.Runtime.State;

namespace Dstack.Cli.Commands;

/// <summary>
/// <c>dstack tags add TAG RUN</c>: names a finished run. An active run is refused (its artifacts are saved when it
/// ends); one that ended failed or stopped is tagged with a warning that its artifacts may be partial.
/// </summary>
public static class TagsAddCommand
{
    public static Command Create(TextWriter output, TextWriter error, Func<CliContext> context)
    {
        var tag = new Argument<string>("TAG") { Description = "The tag: letters, digits, '.', '-' and '_', starting with a letter or digit, up to 64 characters." };
        var run = new Argument<string>("RUN") { Description = "The run to tag (see dstack ps -a); it must have ended." };
        var command = new Command("add", "Tag a finished run: deps: [{tag: TAG}] then gives a workflow its artifacts, and the run is never replaced by a new run of its name.") { tag, run };
        command.SetAction(parse =>
        {
            var name = parse.GetValue(tag)!;
            if (NameRule.Tag.Problem(name) is { } invalid)
            {
                error.WriteLine($"dstack: error {DiagnosticCodes.InvalidOption}: {invalid}");
                return DstackCommandLine.UsageError;
            }

            var cli = context();
            if (!CommandSupport.TryOpenStore(cli, error, out var store) || !CommandSupport.TryFindRun(store, parse.GetValue(run)!, error, out var record))
            {
                return DstackCommandLine.ProblemsFound;
            }

            if (!record.Status.IsFinished())
            {
                error.WriteLine($"dstack: error {DiagnosticCodes.RunNotFinished}: the run {record.Name} is still {record.Status.ToText()}; a tag names a run that has ended, with the artifacts it saved then: wait until it ends (dstack logs -f {record.Name} follows it), or stop it with dstack stop {record.Name}");
                return DstackCommandLine.ProblemsFound;
            }

            if (!store.AddTag(name, record.Id, DateTimeOffset.UtcNow))
            {
                var taken = store.FindTag(name);
                error.WriteLine($"dstack: error {DiagnosticCodes.TagTaken}: the tag {name} already names the run {taken?.RunName ?? "(another run)"}; delete it first with dstack tags delete {name}, or choose another tag name");
                return DstackCommandLine.ProblemsFound;
            }

            if (record.Status != RunStatus.Done)
            {
                error.WriteLine($"dstack: warning: {record.Name} ended {record.Status.ToText()}, not done: its artifacts were saved as it ended and may be partial");
            }

            var artifacts = store.ListArtifacts(record.Id);
            output.WriteLine(artifacts.Count == 0
                ? $"Tagged {record.Name} as {name}; it has no saved artifacts ({ArtifactsCommand.WhyNone(record)})."
                : $"Tagged {record.Name} as {name} ({artifacts.Count} artifact{(artifacts.Count == 1 ? string.Empty : "s")}, {Runtime.Hosts.Bytes.Format(artifacts.Sum(a => a.Size))}).");
            return DstackCommandLine.Success;
        });
        return command;
    }
}
