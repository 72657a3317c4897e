using System.Text.Json.Nodes;
using Dstack.Runtime.Containers;
using Dstack.Runtime.State;

namespace Dstack.Runtime.Runs;

/// <summary>
/// The build inside the job's image: the build commands run in a container of the image with the working copy at
/// <c>/workflow</c> (as the jobs will), and the container is committed as the image the jobs run in,
/// <c>dstack-build/KEY:BASE</c> (KEY: the cache key; BASE: the start of the image's id), so what the commands install
/// outside <c>/workflow</c> (system packages, /opt, the user's home) is there; the files they change in the working copy
/// are kept in the cache folder as without an image. The image's id is part of what is kept: a new image under the same
/// name is built on again. The build image it replaces is removed.
/// </summary>
public sealed partial class BuildCache
{
    /// <summary>The repository of the build images on the engine.</summary>
    public const string ImageRepository = "dstack-build";

    /// <summary>The label a build image carries: its cache key.</summary>
    public const string BuildLabel = "dstack.build";

    /// <summary>The record of the build image in the cache folder: the base image's id, the build image's name and id, one a line.</summary>
    private const string RecordFile = "image";

    private async Task<(RunController.AttemptResult? Failure, string? Image)> PrepareInImageAsync(string image, ContainerEngine engine, IReadOnlyList<string> copies, Func<int, Dictionary<string, string>> environment, Task<StopRequest> stopRequested)
    {
        var folder = FolderFor(home, spec);
        var files = Path.Combine(folder, "files");
        var ready = Path.Combine(folder, "ready");
        var record = Path.Combine(folder, RecordFile);
        string baseId;
        (string BaseId, string Name, string Id)? previous;
        string? reason;
        try
        {
            // Pulled already before the build (the host prepared it); this only learns its id.
            baseId = await engine.EnsureImageAsync(image, JobImage.CredentialsOf(spec), null, CancellationToken.None).ConfigureAwait(false);
            previous = ReadRecord(record);
            reason = spec.ForceBuild ? "--force-build"
                : !File.Exists(ready) || previous is null ? "first build for these build commands and image"
                : previous.Value.BaseId != baseId ? $"{image} is another image now: {Short(previous.Value.BaseId)} became {Short(baseId)}"
                : await engine.Api.ImageIdAsync(previous.Value.Name, CancellationToken.None).ConfigureAwait(false) != previous.Value.Id ? $"its image {previous.Value.Name} is no longer on {engine.HostName}"
                : null;
        }
        catch (Exception e) when (e is Processes.JobStartException or DockerApiException or IOException)
        {
            Event($"dstack: {Diagnostics.DiagnosticCodes.ContainerFailed}: the build's image: {e.Message}");
            return (new RunController.AttemptResult(RunStatus.Failed, TerminationReason.StartFailed, null), null);
        }

        if (reason is null)
        {
            Event($"dstack: using the environment built {File.ReadAllText(ready).Trim()} in the image {previous!.Value.Name} (the build commands and the image {image} have not changed; --force-build rebuilds it)");
            LayOver(files, copies);
            return (null, previous.Value.Name);
        }

        Event($"dstack: building the environment in a container of {image} ({reason})");
        ContainedPath.Delete(home.BuildsFolder, ready);
        var name = $"{ImageRepository}/{Key(spec)}:{Short(baseId)}";
        // The build commands are shell commands, as without an image: the configuration's entrypoint is for the job.
        var request = ContainerLaunch.For(spec with { Entrypoint = null }, 0, image, copies[0], environment(0), JobScript.Build(spec.Build, spec.RunArgs)) with
        {
            Name = ContainerLaunch.BuildContainerName(spec.RunName),
        };
        ContainerJob? container = null;
        string? built = null;
        var failure = await BuildAsync(
            copies[0],
            folder,
            files,
            ready,
            stopRequested,
            () => container = ContainerJob.StartAsync(engine, request, CancellationToken.None).GetAwaiter().GetResult(),
            async () =>
            {
                try
                {
                    var config = CommitConfig(await engine.Api.ImageConfigAsync(image, CancellationToken.None).ConfigureAwait(false), request.Env.Select(e => e.Key), Key(spec));
                    var at = name.LastIndexOf(':');
                    built = await engine.Api.CommitAsync(container!.Id, name[..at], name[(at + 1)..], config, CancellationToken.None).ConfigureAwait(false);
                    Directory.CreateDirectory(folder);
                    File.WriteAllText(record, $"{baseId}\n{name}\n{built}\n");
                    return null;
                }
                catch (Exception e) when (e is DockerApiException or IOException or UnauthorizedAccessException)
                {
                    return $"{Diagnostics.DiagnosticCodes.ContainerFailed}: the build's container could not be kept as the image {name} on {engine.HostName}: {e.Message}";
                }
            }).ConfigureAwait(false);
        if (failure is not null)
        {
            return (failure, null);
        }

        if (previous is { } replaced && replaced.Id != built && await RemoveAsync(engine, replaced.Id).ConfigureAwait(false))
        {
            Event($"dstack: removed the build image it replaces ({replaced.Name}, {Short(replaced.Id)})");
        }

        return (null, name);
    }

    /// <summary>
    /// The committed image's config: the base image's own (its command, entrypoint, user, working folder, env), not
    /// the build container's. The engine fills every variable the container had and the config lacks from the
    /// container, so each of those is named with an empty value: the job's values (secrets among them) are never
    /// written into the image; the jobs set them all again.
    /// </summary>
    internal static JsonObject CommitConfig(JsonObject? imageConfig, IEnumerable<string> containerVariables, string key)
    {
        var config = imageConfig?.DeepClone() as JsonObject ?? [];
        var env = (config["Env"] as JsonArray)?.Select(v => (string?)v).OfType<string>().ToList() ?? [];
        var named = env.Select(e => e.Split('=', 2)[0]).ToHashSet(StringComparer.Ordinal);
        env.AddRange(containerVariables.Where(named.Add).Select(n => $"{n}="));
        config["Env"] = new JsonArray([.. env.Select(e => (JsonNode?)JsonValue.Create(e))]);
        var labels = config["Labels"] as JsonObject ?? [];
        labels[BuildLabel] = key;
        config["Labels"] = labels;
        return config;
    }

    /// <summary>Best effort: an image a container still uses (another run's job) is left to a later build or to the user.</summary>
    private static async Task<bool> RemoveAsync(ContainerEngine engine, string id)
    {
        try
        {
            return await engine.Api.RemoveImageAsync(id, CancellationToken.None).ConfigureAwait(false);
        }
        catch (DockerApiException)
        {
            return false;
        }
    }

    private static (string BaseId, string Name, string Id)? ReadRecord(string path)
    {
        try
        {
            return File.Exists(path) && File.ReadAllLines(path) is [{ Length: > 0 } baseId, { Length: > 0 } name, { Length: > 0 } id, ..] ? (baseId, name, id) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The first 12 hex digits of an image id (<c>sha256:...</c>), as <c>docker images</c> shows it.</summary>
    private static string Short(string id) => (id.StartsWith("sha256:", StringComparison.Ordinal) ? id[7..] : id) is var hex && hex.Length > 12 ? hex[..12] : hex;
}
