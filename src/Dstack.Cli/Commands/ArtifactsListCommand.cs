using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dstack.Cli.Rendering;
using Dstack.Cli.Runs;
using Dstack.Runtime.Hosts;
using Dstack.Runtime.Pipelines;
using Dstack.Runtime.Runs;
using Dstack.Runtime.State;

namespace Dstack.Cli.Commands;

/// <summary><c>dstack artifacts list RUN [-v] [--json]</c>: a run's saved artifacts (path, files, size), with <c>-v</c> each file.</summary>
public static class ArtifactsListCommand
{
    public static Command Create(TextWriter output, TextWriter error, Func<CliContext> context)
    {
        var run = new Argument<string>("RUN") { Description = "The run name (see dstack ps -a)." };
        var files = new Option<bool>("--files", "-v") { Description = "Also list each file (and link) of each artifact with its size." };
        var json = new Option<bool>("--json") { Description = "Print JSON: {\"run\", \"status\", \"files\", \"size\", \"artifacts\": [{path, folder, local_path, files, size, sha256, saved_at, entries}]}." };
        var command = new Command("list", "List the artifacts a run saved: path, files and size, and the total.") { run, files, json };
        command.SetAction(parse =>
        {
            var cli = context();
            if (!CommandSupport.TryOpenStore(cli, error, out var store) || !CommandSupport.TryFindRun(store, parse.GetValue(run)!, error, out var record))
            {
                return DstackCommandLine.ProblemsFound;
            }

            var artifacts = store.ListArtifacts(record.Id);
            var saved = store.Home.ArtifactsFolder(record.Name);
            var withFiles = parse.GetValue(files);
            if (parse.GetValue(json))
            {
                output.WriteLine(ToJson(record, artifacts, saved, withFiles).ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
                return DstackCommandLine.Success;
            }

            if (artifacts.Count == 0)
            {
                output.WriteLine($"The run {record.Name} has no saved artifacts: {ArtifactsCommand.WhyNone(record)}.");
                return DstackCommandLine.Success;
            }

            var color = !Console.IsOutputRedirected && ReferenceEquals(output, Console.Out) && string.IsNullOrEmpty(System.Environment.GetEnvironmentVariable("NO_COLOR"));
            if (withFiles)
            {
                TextTable.Write(output, ["PATH", "FILE", "SIZE"], artifacts.SelectMany(a => FileRows(a, saved)), color);
            }
            else
            {
                TextTable.Write(output, ["PATH", "FILES", "SIZE"], artifacts.Select(a => (IReadOnlyList<string>)[a.Path, Count(a.Files), Bytes.Format(a.Size)]), color);
            }

            output.WriteLine($"Total: {artifacts.Count} artifact{(artifacts.Count == 1 ? string.Empty : "s")}, {CountWords.Of((int)artifacts.Sum(a => a.Files), "file")}, {Bytes.Format(artifacts.Sum(a => a.Size))} (in {saved}).");
            foreach (var gone in artifacts.Where(a => !Exists(Path.Combine(saved, a.Folder))))
            {
                error.WriteLine($"dstack: warning: the saved files of {gone.Path} are gone: {Path.Combine(saved, gone.Folder)} no longer exists (deleted after the run saved it)");
            }

            return DstackCommandLine.Success;
        });
        return command;
    }

    private static string Count(long value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>One row per file or link of the artifact (its path on the first row only, as dstack's old <c>dstack ls</c> showed them).</summary>
    private static IEnumerable<IReadOnlyList<string>> FileRows(ArtifactRecord artifact, string saved)
    {
        var first = true;
        var entries = Entries(Path.Combine(saved, artifact.Folder)).ToList();
        if (entries.Count == 0)
        {
            yield return [artifact.Path, Exists(Path.Combine(saved, artifact.Folder)) ? "(no files)" : "(the saved files are gone)", string.Empty];
        }

        foreach (var (relative, size, link) in entries)
        {
            yield return [first ? artifact.Path : string.Empty, relative, link is null ? Bytes.Format(size) : $"-> {link}"];
            first = false;
        }
    }

    /// <summary>The files and links of a saved artifact (a folder, or one file), relative with '/'; a lone file is named by itself.</summary>
    private static IEnumerable<(string Path, long Size, string? Link)> Entries(string root)
    {
        var single = new FileInfo(root);
        if (single.LinkTarget is { } target)
        {
            return [(single.Name, 0, target)];
        }

        if (single.Exists)
        {
            return [(single.Name, single.Length, null)];
        }

        return ArtifactDownload.EntriesOf(root)
            .Select(relative => new FileInfo(Path.Combine(root, relative)))
            .Where(info => info.LinkTarget is not null || info.Exists)
            .Select(info => (Path.GetRelativePath(root, info.FullName).Replace(Path.DirectorySeparatorChar, '/'), info.LinkTarget is null ? info.Length : 0, info.LinkTarget));
    }

    private static bool Exists(string path) => Path.Exists(path) || new FileInfo(path).LinkTarget is not null;

    private static JsonObject ToJson(RunRecord run, IReadOnlyList<ArtifactRecord> artifacts, string saved, bool withFiles) => new()
    {
        ["run"] = run.Name,
        ["status"] = run.Status.ToText(),
        ["files"] = artifacts.Sum(a => a.Files),
        ["size"] = artifacts.Sum(a => a.Size),
        ["artifacts"] = new JsonArray([.. artifacts.Select(a =>
        {
            var item = new JsonObject
            {
                ["path"] = a.Path,
                ["folder"] = a.Folder,
                ["local_path"] = Path.Combine(saved, a.Folder),
                ["files"] = a.Files,
                ["size"] = a.Size,
                ["sha256"] = a.Sha256,
                ["saved_at"] = a.SavedAt.ToString("O"),
            };
            if (withFiles)
            {
                item["entries"] = new JsonArray([.. Entries(Path.Combine(saved, a.Folder)).Select(e => (JsonNode)new JsonObject { ["path"] = e.Path, ["size"] = e.Size, ["link"] = e.Link })]);
            }

            return (JsonNode)item;
        })]),
    };
}
