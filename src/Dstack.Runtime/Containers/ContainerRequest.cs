using System.Globalization;
using System.Text.Json.Nodes;

namespace Dstack.Runtime.Containers;

/// <summary>
/// A job's container, as the engine's <c>POST /containers/create</c> takes it. Every backend builds it the same way
/// (<see cref="ContainerLaunch"/>); only the host paths differ.
/// </summary>
public sealed record ContainerRequest
{
    public required string Image { get; init; }

    /// <summary>The container's name (<c>dstack-RUN-RANK</c>), unique among the engine's containers.</summary>
    public required string Name { get; init; }

    /// <summary>The entrypoint's words, or empty for the image's.</summary>
    public IReadOnlyList<string> Entrypoint { get; init; } = [];

    /// <summary>The command's words (after the entrypoint), or empty for the image's.</summary>
    public IReadOnlyList<string> Command { get; init; } = [];

    /// <summary>The job's variables: values go in the request body, never on a command line.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Env { get; init; } = [];

    public string WorkingDir { get; init; } = ContainerLaunch.WorkflowFolder;

    /// <summary>Bind mounts, <c>HOST:CONTAINER[:ro]</c>.</summary>
    public IReadOnlyList<string> Binds { get; init; } = [];

    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>Ports the job listens on, declared (<c>ExposedPorts</c>) so <c>docker inspect</c> shows them; on the host network they are not published.</summary>
    public IReadOnlyList<int> Ports { get; init; } = [];

    /// <summary>Bytes of <c>/dev/shm</c>; null for the engine's default (64 MB).</summary>
    public long? ShmSize { get; init; }

    public bool Privileged { get; init; }

    /// <summary><c>name</c>, <c>uid</c> or <c>uid:gid</c>; null for the image's user.</summary>
    public string? User { get; init; }

    /// <summary>The NVIDIA GPUs passed in (their indexes on the host); null for none.</summary>
    public IReadOnlyList<int>? Gpus { get; init; }

    /// <summary>The engine's container config: <c>--init</c>, <c>--network host</c>, and the rest of this request.</summary>
    public JsonObject ToCreateBody()
    {
        var host = new JsonObject
        {
            ["Init"] = true,
            ["NetworkMode"] = "host",
            ["Binds"] = Strings(Binds),
            ["Privileged"] = Privileged,
            ["AutoRemove"] = false,
        };
        if (ShmSize is { } shm)
        {
            host["ShmSize"] = shm;
        }

        if (Gpus is { Count: > 0 } gpus)
        {
            host["DeviceRequests"] = new JsonArray(new JsonObject
            {
                ["Driver"] = "nvidia",
                ["DeviceIDs"] = Strings(gpus.Select(g => g.ToString(CultureInfo.InvariantCulture))),
                ["Capabilities"] = new JsonArray(Strings(["gpu"])),
            });
        }

        var exposed = new JsonObject();
        foreach (var port in Ports.Distinct())
        {
            exposed[$"{port.ToString(CultureInfo.InvariantCulture)}/tcp"] = new JsonObject();
        }

        var labels = new JsonObject();
        foreach (var (name, value) in Labels)
        {
            labels[name] = value;
        }

        var body = new JsonObject
        {
            ["Image"] = Image,
            ["Env"] = Strings(Env.Select(e => $"{e.Key}={e.Value}")),
            ["WorkingDir"] = WorkingDir,
            ["Labels"] = labels,
            ["ExposedPorts"] = exposed,
            ["AttachStdin"] = false,
            ["AttachStdout"] = false,
            ["AttachStderr"] = false,
            ["Tty"] = false,
            ["OpenStdin"] = false,
            ["HostConfig"] = host,
        };
        if (Entrypoint.Count > 0)
        {
            body["Entrypoint"] = Strings(Entrypoint);
        }

        if (Command.Count > 0)
        {
            body["Cmd"] = Strings(Command);
        }

        if (!string.IsNullOrEmpty(User))
        {
            body["User"] = User;
        }

        return body;
    }

    private static JsonArray Strings(IEnumerable<string> values) => new([.. values.Select(v => (JsonNode?)JsonValue.Create(v))]);
}
