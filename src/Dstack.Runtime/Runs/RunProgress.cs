namespace Dstack.Runtime.Runs;

/// <summary>
/// A step of a run on its way to running, as typed events: the CLI shows them as a status line and a progress bar,
/// MSBuild as messages, the editor as work-done progress. The run's log keeps its own lines; no code reads state from them.
/// </summary>
public abstract record RunProgress(int Rank)
{
    /// <summary>The step in words, for a front end that shows one line per event.</summary>
    public abstract string Describe();
}

/// <summary>An instance is being provisioned for job <paramref name="Rank"/>.</summary>
public sealed record ProvisioningProgress(int Rank, string Backend, string Instance) : RunProgress(Rank)
{
    public override string Describe() => $"provisioning {Instance} ({Backend}) for job {Rank}";
}

/// <summary>
/// A step of provisioning job <paramref name="Rank"/>'s instance, as the backend reports it: <paramref name="Step"/> is
/// one word a program can test (<c>key_pair</c>, <c>security_group</c>, <c>image</c>, <c>launching</c>, <c>starting</c>,
/// <c>waiting_for_ssh</c>, <c>ready</c>), <paramref name="Detail"/> says it in words (<c>launching g5.xlarge (spot) in us-east-1</c>).
/// </summary>
public sealed record ProvisioningStepProgress(int Rank, string Backend, string Step, string Detail) : RunProgress(Rank)
{
    public override string Describe() => $"{Detail} ({Backend}, job {Rank})";
}

/// <summary>The code is on its way to job <paramref name="Rank"/>'s machine: <paramref name="Sent"/> of <paramref name="Total"/> bytes.</summary>
public sealed record UploadProgress(int Rank, string Host, long Sent, long Total) : RunProgress(Rank)
{
    public override string Describe() => $"uploading the code to {Host}: {Sent} of {Total} bytes";
}

/// <summary>The code reached job <paramref name="Rank"/>'s machine: <paramref name="Bytes"/> in <paramref name="Seconds"/>.</summary>
public sealed record UploadedProgress(int Rank, string Host, long Bytes, double Seconds) : RunProgress(Rank)
{
    public override string Describe() => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"the code reached {Host}: {Bytes} bytes in {Seconds:0.00} s");
}

/// <summary>The run waits (for capacity, for another run's GPUs).</summary>
public sealed record WaitingProgress(string Reason) : RunProgress(0)
{
    public override string Describe() => $"waiting: {Reason}";
}

/// <summary>
/// Job <paramref name="Rank"/>'s container image is being pulled on <paramref name="Host"/>: <paramref name="LayersDone"/>
/// of <paramref name="Layers"/> layers, <paramref name="Bytes"/> of <paramref name="TotalBytes"/> downloaded (0 of 0
/// before the engine says).
/// </summary>
public sealed record PullingProgress(int Rank, string Image, string Host = "", long Bytes = 0, long TotalBytes = 0, int LayersDone = 0, int Layers = 0) : RunProgress(Rank)
{
    public override string Describe() => Layers == 0
        ? $"pulling {Image} for job {Rank}"
        : $"pulling {Image} for job {Rank}: {LayersDone} of {Layers} layers, {Bytes} of {TotalBytes} bytes";
}

/// <summary>Job <paramref name="Rank"/> runs.</summary>
public sealed record RunningProgress(int Rank, string Host) : RunProgress(Rank)
{
    public override string Describe() => $"job {Rank} is running on {Host}";
}

/// <summary>
/// The run can be reached: a service's URL once a replica answers (<see cref="State.RunEndpointKind.Service"/>), a dev
/// environment's IDE link and SSH alias once it is ready (<see cref="State.RunEndpointKind.Ide"/>,
/// <see cref="State.RunEndpointKind.Ssh"/>). The same address is in the state store's endpoints while the run lasts.
/// </summary>
public sealed record EndpointProgress(int Rank, string Kind, string Address) : RunProgress(Rank)
{
    public override string Describe() => Kind switch
    {
        State.RunEndpointKind.Service => $"the service is up at {Address}",
        State.RunEndpointKind.Ide => $"open the dev environment in the IDE: {Address}",
        State.RunEndpointKind.Ssh => $"connect with: ssh {Address}",
        _ => $"{Kind}: {Address}",
    };
}

/// <summary>A workflow's artifact or cache path coming back from the job's host when the job has ended: bytes so far of the total (0: unknown).</summary>
public sealed record DownloadProgress(int Rank, string Host, string Path, long Received, long Total) : RunProgress(Rank)
{
    public override string Describe() => $"job {Rank}: downloading {Path} from {Host}: {Hosts.Bytes.Format(Received)}{(Total > 0 ? $" of {Hosts.Bytes.Format(Total)}" : string.Empty)}";
}

/// <summary>A run's progress event as the state store keeps it: its id (for following), when, and the event.</summary>
public sealed record RunEvent(long Id, DateTimeOffset At, RunProgress Progress);

/// <summary>Events as JSON: <c>{"kind": "uploading", "rank": 0, ...}</c>, the form the state store and <c>dstack ps --json</c> use.</summary>
public static class RunProgressJson
{
    public static System.Text.Json.Nodes.JsonObject ToJson(RunProgress progress)
    {
        var json = new System.Text.Json.Nodes.JsonObject { ["kind"] = KindOf(progress), ["rank"] = progress.Rank };
        switch (progress)
        {
            case ProvisioningProgress p:
                json["backend"] = p.Backend;
                json["instance"] = p.Instance;
                break;
            case ProvisioningStepProgress s:
                json["backend"] = s.Backend;
                json["step"] = s.Step;
                json["detail"] = s.Detail;
                break;
            case UploadProgress u:
                json["host"] = u.Host;
                json["sent"] = u.Sent;
                json["total"] = u.Total;
                break;
            case UploadedProgress u:
                json["host"] = u.Host;
                json["bytes"] = u.Bytes;
                json["seconds"] = Math.Round(u.Seconds, 3);
                break;
            case WaitingProgress w:
                json["reason"] = w.Reason;
                break;
            case PullingProgress p:
                json["image"] = p.Image;
                json["host"] = p.Host;
                json["bytes"] = p.Bytes;
                json["total"] = p.TotalBytes;
                json["layers_done"] = p.LayersDone;
                json["layers"] = p.Layers;
                break;
            case RunningProgress r:
                json["host"] = r.Host;
                break;
            case EndpointProgress e:
                json["endpoint"] = e.Kind;
                json["address"] = e.Address;
                break;
            case DownloadProgress d:
                json["host"] = d.Host;
                json["path"] = d.Path;
                json["received"] = d.Received;
                json["total"] = d.Total;
                break;
        }

        return json;
    }

    /// <summary>The event a JSON object describes; null for a kind this version does not know (a newer controller's).</summary>
    public static RunProgress? FromJson(string text)
    {
        try
        {
            if (System.Text.Json.Nodes.JsonNode.Parse(text) is not System.Text.Json.Nodes.JsonObject json)
            {
                return null;
            }

            var rank = (int?)json["rank"] ?? 0;
            string Text(string key) => (string?)json[key] ?? string.Empty;
            long Number(string key) => (long?)json[key] ?? 0;
            return (string?)json["kind"] switch
            {
                "provisioning" => new ProvisioningProgress(rank, Text("backend"), Text("instance")),
                "provisioning_step" => new ProvisioningStepProgress(rank, Text("backend"), Text("step"), Text("detail")),
                "uploading" => new UploadProgress(rank, Text("host"), Number("sent"), Number("total")),
                "uploaded" => new UploadedProgress(rank, Text("host"), Number("bytes"), (double?)json["seconds"] ?? 0),
                "waiting" => new WaitingProgress(Text("reason")),
                "pulling" => new PullingProgress(rank, Text("image"), Text("host"), Number("bytes"), Number("total"), (int)Number("layers_done"), (int)Number("layers")),
                "running" => new RunningProgress(rank, Text("host")),
                "endpoint" => new EndpointProgress(rank, Text("endpoint"), Text("address")),
                "downloading" => new DownloadProgress(rank, Text("host"), Text("path"), Number("received"), Number("total")),
                _ => null,
            };
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    public static string KindOf(RunProgress progress) => progress switch
    {
        ProvisioningProgress => "provisioning",
        ProvisioningStepProgress => "provisioning_step",
        UploadProgress => "uploading",
        UploadedProgress => "uploaded",
        WaitingProgress => "waiting",
        PullingProgress => "pulling",
        RunningProgress => "running",
        DownloadProgress => "downloading",
        EndpointProgress => "endpoint",
        _ => "unknown",
    };
}
