using System.CommandLine;
using System.Diagnostics;
using Dstack.Cli.Runs;
using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Hosts;
using Dstack.Runtime.Pipelines;
using Dstack.Runtime.Runs;
using Dstack.Runtime.State;

namespace Dstack.Cli.Commands;

/// <summary>
/// <c>dstack artifacts download RUN [PATH] [-o DIR] [--force]</c>: copies a run's saved artifacts into a folder, keeping
/// their relative paths, links and modes, refusing to overwrite different files without <c>--force</c>, and checks each
/// whole artifact against the hash the run recorded.
/// </summary>
public static class ArtifactsDownloadCommand
{
    /// <summary>Downloads smaller than this finish before a progress line would help.</summary>
    private const long ProgressFrom = 64L * 1024 * 1024;

    private const int ConflictsShown = 10;

    public static Command Create(TextWriter output, TextWriter error, Func<CliContext> context)
    {
        var run = new Argument<string>("RUN") { Description = "The run name (see dstack ps -a)." };
        var path = new Argument<string?>("PATH") { Description = "One artifact path (as dstack artifacts list shows it), or a file or folder inside one (output/model.bin). Default: every artifact.", Arity = ArgumentArity.ZeroOrOne };
        var into = new Option<string?>("--output", "-o") { Description = "The folder to download into (created when needed). Default: the current folder.", HelpName = "DIR" };
        var force = new Option<bool>("--force") { Description = "Overwrite existing files that differ from the artifact's." };
        var command = new Command("download", "Copy a run's saved artifacts into a folder (an artifact output lands in DIR/output), byte for byte, links as links, modes kept.") { run, path, into, force };
        command.SetAction((parse, cancellationToken) =>
        {
            var cli = context();
            if (!CommandSupport.TryOpenStore(cli, error, out var store) || !CommandSupport.TryFindRun(store, parse.GetValue(run)!, error, out var record))
            {
                return Task.FromResult(DstackCommandLine.ProblemsFound);
            }

            var destination = Path.GetFullPath(parse.GetValue(into) ?? ".", cli.WorkingDirectory);

            // Ctrl+C ends the download between two chunks, so no temporary file is left beside the files.
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            using var sigint = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGINT, signal =>
            {
                signal.Cancel = true;
                stop.Cancel();
            });
            try
            {
                return Task.FromResult(Download(store, record, parse.GetValue(path), destination, parse.GetValue(force), output, error, stop.Token));
            }
            catch (OperationCanceledException)
            {
                error.WriteLine($"dstack: the download was interrupted; the files written into {destination} are whole, and running it again finishes it");
                return Task.FromResult(AttachedRun.Interrupted);
            }
        });
        return command;
    }

    private static int Download(StateStore store, RunRecord record, string? path, string destination, bool force, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var artifacts = store.ListArtifacts(record.Id);
        var saved = store.Home.ArtifactsFolder(record.Name);
        var download = ArtifactDownload.Choose(record.Name, artifacts, path, saved, destination, out var problem);
        if (download is null)
        {
            var why = artifacts.Count == 0 ? $": {ArtifactsCommand.WhyNone(record)}" : string.Empty;
            Report(error, problem!.Value.Code, problem.Value.Message + why);
            return DstackCommandLine.ProblemsFound;
        }

        try
        {
            download.Plan();
            if (download.Conflicts is { Count: > 0 } conflicts && !force)
            {
                var shown = string.Join(", ", conflicts.Take(ConflictsShown)) + (conflicts.Count > ConflictsShown ? $" and {conflicts.Count - ConflictsShown} more" : string.Empty);
                Report(error, DiagnosticCodes.ArtifactDownloadFailed, $"{conflicts.Count} existing file{(conflicts.Count == 1 ? string.Empty : "s")} would be overwritten: {shown}; nothing was downloaded. Pass --force to overwrite them, or download into another folder with -o DIR");
                return DstackCommandLine.ProblemsFound;
            }

            var (written, unchanged) = download.Copy(force, Progress(download.BytesToCopy, error), cancellationToken);
            foreach (var pick in download.Picks)
            {
                output.WriteLine(pick.Whole
                    ? $"Downloaded {pick.Name} ({CountWords.Of((int)pick.Artifact.Files, "file")}, {Bytes.Format(pick.Artifact.Size)}) to {pick.Destination}"
                    : $"Downloaded {pick.Name} to {pick.Destination} (a part of the artifact {pick.Artifact.Path}: its recorded hash covers the whole artifact, so the part is not checked)");
            }

            if (unchanged > 0)
            {
                output.WriteLine($"{unchanged} of the files were there already, identical, and were left as they are; {written} written.");
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Report(error, DiagnosticCodes.ArtifactDownloadFailed, $"the download into {destination} failed: {e.Message}; check that the folder is writable and has room, and that the saved copy under {saved} is readable, then run the download again (files already there and identical are kept)");
            return DstackCommandLine.ProblemsFound;
        }

        try
        {
            return Check(download, record, output, error);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Report(error, DiagnosticCodes.ArtifactChanged, $"the download into {destination} could not be checked against the recorded hash: {e.Message}; the files were downloaded, but are unchecked");
            return DstackCommandLine.ProblemsFound;
        }
    }

    /// <summary>Measures every whole artifact downloaded; a mismatch means the saved copy changed after the run saved it.</summary>
    private static int Check(ArtifactDownload download, RunRecord record, TextWriter output, TextWriter error)
    {
        var code = DstackCommandLine.Success;
        foreach (var check in download.Verify())
        {
            var artifact = check.Pick.Artifact;
            if (check.Matches)
            {
                output.WriteLine($"Checked {artifact.Path}: {(check.OfCopy ? "the copy" : "the saved copy (the folder holds other files too)")} matches the hash recorded when {record.Name} saved it (sha256 {artifact.Sha256[..12]}).");
                continue;
            }

            Report(error, DiagnosticCodes.ArtifactChanged, $"the artifact {artifact.Path} of {record.Name} is not what the run saved: it recorded {CountWords.Of((int)artifact.Files, "file")}, {Bytes.Format(artifact.Size)}, sha256 {artifact.Sha256[..Math.Min(12, artifact.Sha256.Length)]}, and {(check.OfCopy ? "the copy" : "the saved copy")} has {CountWords.Of((int)check.Files, "file")}, {Bytes.Format(check.Size)}, sha256 {check.Sha256[..12]}: the saved copy under {check.Pick.Source} changed on disk after the run saved it. The files were downloaded to {check.Pick.Destination}, but do not trust them as the run's output");
            code = DstackCommandLine.ProblemsFound;
        }

        return code;
    }

    /// <summary>A progress line on a terminal's standard error for downloads large enough to take a while; nothing otherwise.</summary>
    private static Action<long, long>? Progress(long total, TextWriter error)
    {
        if (total < ProgressFrom || Console.IsErrorRedirected || !ReferenceEquals(error, Console.Error))
        {
            return null;
        }

        var clock = Stopwatch.StartNew();
        TimeSpan? last = null;
        return (done, all) =>
        {
            if (done < all && last is { } shown && clock.Elapsed - shown < TimeSpan.FromMilliseconds(200))
            {
                return;
            }

            last = clock.Elapsed;
            error.Write($"\rdstack: downloading: {Bytes.Format(done)} of {Bytes.Format(all)} ({Bytes.Percent(done, all)})   ");
            if (done >= all)
            {
                error.WriteLine();
            }
        };
    }

    private static void Report(TextWriter error, string code, string message) => error.WriteLine($"dstack: error {code}: {message}");
}
