using System.Net.Sockets;
using Dstack.Runtime.Ssh;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Hosts;
using Dstack.Runtime.Offers;
using Dstack.Runtime.State;

namespace Dstack.Runtime.Backends.Gcp;

/// <summary>
/// Google Cloud as a backend: offers from the shipped Compute Engine catalog (<see cref="GcpCatalog"/>, no credentials
/// needed), a VM provisioned for an offer zone by zone in the offer's order (a firewall rule for SSH on the project's
/// network tag, the project key in the instance's <c>ssh-keys</c> metadata, Spot scheduling when asked; see
/// <c>GcpBackend.Provision.cs</c>), reached as a <see cref="RemoteHost"/>, and deleted when the run ends.
/// </summary>
/// <param name="home">The state folder (the project's SSH key).</param>
/// <param name="settings">The <c>- type: gcp</c> entry of config.yml.</param>
/// <param name="compute">The Compute Engine client; made from the entry's credentials on first use when not given.</param>
public sealed partial class GcpBackend(DstackHome home, GcpSettings settings, GcpCompute? compute = null) : IBackend
{
    public const string BackendName = GcpOffers.BackendName;

    /// <summary>The offer's entries this backend adds when it provisions: how to reach the instance.</summary>
    public const string HostKey = "host";

    public const string UserKey = "user";

    public const string IdentityKey = "identity_file";

    /// <summary>The offer's entry of the zone the instance was made in.</summary>
    public const string ZoneKey = "zone";

    /// <summary>The login user the project key is given to by default (Compute Engine makes the user from <c>ssh-keys</c>).</summary>
    public const string DefaultLoginUser = "ubuntu";

    /// <summary>The environment variable that names another login user (an image whose user is not ubuntu).</summary>
    public const string LoginUserVariable = "DSTACK_GCP_LOGIN_USER";

    /// <summary>
    /// The environment variable gcloud reads to reach Compute Engine elsewhere (a private endpoint, a test fake):
    /// the API root, ending in <c>/compute/v1/</c>.
    /// </summary>
    public const string EndpointVariable = "CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE";

    /// <summary>The login user the project key is given to in the <c>ssh-keys</c> metadata: ubuntu, or <c>DSTACK_GCP_LOGIN_USER</c>.</summary>
    public string LoginUser { get; init; } = System.Environment.GetEnvironmentVariable(LoginUserVariable) is { Length: > 0 } user ? user : DefaultLoginUser;

    private static readonly HttpClient SharedHttp = new() { Timeout = TimeSpan.FromMinutes(3) };

    /// <summary>How long an instance may take to run and to answer SSH (10 minutes unless set).</summary>
    public TimeSpan ReadyLimit { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>How often the instance's status is asked for while it starts.</summary>
    public TimeSpan Poll { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Whether the address answers SSH now (tests of instances that are not machines replace it).</summary>
    public Func<string, CancellationToken, Task<bool>> SshAnswers { get; init; } = AnswersOnPort22Async;

    public string Name => BackendName;

    public string Summary => $"Compute Engine in project {settings.ProjectId}, {(settings.Regions is { } regions ? string.Join(", ", regions) : "every region of the catalog")}";

    public IReadOnlyList<string> Machines => [];

    /// <summary>The client, made from the entry's credentials on first use (so offers never need them).</summary>
    /// <exception cref="GcpCredentialsException">The entry's credentials cannot be had.</exception>
    public GcpCompute Compute => field ??= compute ?? new GcpCompute(SharedHttp, settings.ProjectId, GcpCredentials.Load(settings).AccessTokenAsync, EndpointFromEnvironment());

    /// <summary>The API root <c>CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE</c> names (with its trailing slash), or null for Google's.</summary>
    public static Uri? EndpointFromEnvironment() =>
        System.Environment.GetEnvironmentVariable(EndpointVariable) is { Length: > 0 } text && Uri.TryCreate(text.EndsWith('/') ? text : text + "/", UriKind.Absolute, out var uri) ? uri : null;

    public bool IsAdmitted(Requirements requirements) => requirements.Admits(BackendType.Gcp);

    public BackendOffers GetOffers(Requirements requirements, OfferContext context) => LiveOffers(requirements);

    public async Task<IReadOnlyList<BackendCheck>> CheckAsync(CancellationToken cancellationToken)
    {
        var zone = (settings.Regions?.FirstOrDefault() ?? "us-central1") + "-a";
        try
        {
            await Compute.ListMachineTypesAsync(zone, cancellationToken).ConfigureAwait(false);
            return [new BackendCheck(zone, true, "ok", $"Compute Engine answered for project {settings.ProjectId} in {zone}")];
        }
        catch (GcpCredentialsException e)
        {
            return [new BackendCheck(zone, false, "no credentials", e.Message)];
        }
        catch (GcpApiException e)
        {
            return [new BackendCheck(zone, false, e.Code, $"{e.Detail}; the credentials need the Compute Instance Admin (v1) and Compute Security Admin roles in {settings.ProjectId}")];
        }
        catch (HttpRequestException e)
        {
            return [new BackendCheck(zone, false, "unreachable", $"Compute Engine cannot be reached ({e.Message})")];
        }
    }

    public async Task<bool?> ExistsAsync(Instance instance, CancellationToken cancellationToken)
    {
        if (!TrySplit(instance.InstanceId, out var zone, out var name))
        {
            return null;
        }

        var found = await Compute.GetInstanceAsync(zone, name, cancellationToken).ConfigureAwait(false);
        return found is not null && (string?)found["status"] is not ("STOPPING" or "TERMINATED");
    }

    /// <summary>
    /// Why the instance is gone when Compute Engine took it back: a Spot VM preempted is deleted
    /// (<c>instanceTerminationAction: DELETE</c>), so Compute Engine no longer knows it, or it is stopping or terminated
    /// without dstack asking; null while it runs, or for an instance not yet named.
    /// </summary>
    public async Task<string?> InterruptionOfAsync(Instance instance, CancellationToken cancellationToken)
    {
        if (!TrySplit(instance.InstanceId, out var zone, out var name))
        {
            return null;
        }

        var found = await Compute.GetInstanceAsync(zone, name, cancellationToken).ConfigureAwait(false);
        return found is null
            ? $"Compute Engine no longer knows {name} in {zone}{(instance.Offer.Spot ? " (a Spot VM is deleted when it is preempted)" : string.Empty)}"
            : (string?)found["status"] is "STOPPING" or "TERMINATED" or "SUSPENDED" ? $"Compute Engine says {(string?)found["status"]}" : null;
    }

    /// <summary>
    /// Deletes the instance; one recorded before Compute Engine answered (its id is still the provisioning token) is
    /// looked for by the name the token gives, in every zone of its offer, so a crash between insert and record leaks nothing.
    /// </summary>
    public async Task TerminateAsync(Instance instance, CancellationToken cancellationToken)
    {
        if (TrySplit(instance.InstanceId, out var zone, out var name))
        {
            await Compute.DeleteInstanceAsync(zone, name, cancellationToken).ConfigureAwait(false);
            await ReleasePolicyOfAsync(instance, cancellationToken).ConfigureAwait(false);
            return;
        }

        var byToken = InstanceName(instance.InstanceId);
        foreach (var candidate in instance.Offer.Data.GetValueOrDefault(GcpOffers.ZonesKey, string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            await Compute.DeleteInstanceAsync(candidate, byToken, cancellationToken).ConfigureAwait(false);
        }
    }

    public IJobHost HostOf(Instance instance, HostContext context)
    {
        var data = instance.Offer.Data;
        var host = new SshHost(instance.InstanceId, data.GetValueOrDefault(UserKey, DefaultLoginUser), data.GetValueOrDefault(HostKey, instance.Address), 22, data.GetValueOrDefault(IdentityKey));
        // A Spot VM taken back is given up as soon as Compute Engine says so, not after SSH's reconnect window.
        return new RemoteHost(host, instance, context) { Gone = async cancellationToken => await InterruptionOfAsync(instance, cancellationToken).ConfigureAwait(false) is not null };
    }

    /// <summary>The instance's id as this backend records it: <c>zone/name</c>.</summary>
    public static string InstanceId(string zone, string name) => $"{zone}/{name}";

    /// <summary>The instance's name for a provisioning token: <c>dstack-</c> and a hash of the token (a name is at most 63 characters).</summary>
    public static string InstanceName(string token) =>
        "dstack-" + Dstack.Runtime.Hashing.ShortHash.HexOf(token)[..20];

    private static bool TrySplit(string id, out string zone, out string name)
    {
        var slash = id.IndexOf('/', StringComparison.Ordinal);
        (zone, name) = slash > 0 ? (id[..slash], id[(slash + 1)..]) : (string.Empty, string.Empty);
        return slash > 0;
    }

    private static async Task<bool> AnswersOnPort22Async(string address, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            await client.ConnectAsync(address, 22, timeout.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
