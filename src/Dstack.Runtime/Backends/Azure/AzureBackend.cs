using System.Globalization;
using System.Net.Sockets;
using Azure;
using Dstack.Runtime.Ssh;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Hosts;
using Dstack.Runtime.Offers;
using Dstack.Runtime.Runs;
using Dstack.Runtime.State;

namespace Dstack.Runtime.Backends.Azure;

/// <summary>
/// Azure as a backend: offers from the shipped VM size catalog (<see cref="AzureCatalog"/>, no credentials needed), a
/// VM provisioned for an offer (a resource group per project and region, a VNet behind a security group allowing 22,
/// the project key, the VM with its NIC, public IP and OS disk made inside its request, then its address and SSH),
/// reached as a <see cref="RemoteHost"/>, and deleted, with all it was made with, on every end.
/// </summary>
/// <param name="home">The state folder (the project's SSH key).</param>
/// <param name="settings">The <c>- type: azure</c> entry of config.yml.</param>
/// <param name="compute">The ARM calls (tests pass one of a fake).</param>
public sealed partial class AzureBackend(DstackHome home, AzureSettings settings, AzureCompute? compute = null) : IBackend
{
    public const string BackendName = AzureOffers.BackendName;

    /// <summary>The offer's entries this backend adds when it provisions: how to reach the VM.</summary>
    public const string HostKey = "host";

    public const string UserKey = "user";

    public const string IdentityKey = "identity_file";

    /// <summary>The admin user of dstack's VMs (Ubuntu's own).</summary>
    public const string DefaultUser = "ubuntu";

    /// <summary>The environment variable naming another admin user (an image whose login user is not ubuntu; the tests' hosts).</summary>
    public const string UserVariable = "DSTACK_AZURE_ADMIN_USER";

    /// <summary>The environment variable of ARM's base address (https only); unset for the public cloud's.</summary>
    public const string EndpointVariable = "DSTACK_AZURE_ARM_ENDPOINT";

    /// <summary>The environment variable that sets <see cref="ReadyLimit"/> in seconds.</summary>
    public const string ReadyLimitVariable = "DSTACK_AZURE_READY_SECONDS";

    private readonly AzureCompute _compute = compute ?? new AzureCompute(settings, AzureCredentialsSource.Create(settings), EndpointFrom(Environment.GetEnvironmentVariable(EndpointVariable)));

    /// <summary>The admin user VMs are made with and reached as.</summary>
    public string User { get; init; } = Environment.GetEnvironmentVariable(UserVariable) is { Length: > 0 } user ? user : DefaultUser;

    /// <summary>How long a VM may take to answer SSH once made: 10 minutes, or <c>DSTACK_AZURE_READY_SECONDS</c>.</summary>
    public TimeSpan ReadyLimit { get; init; } = double.TryParse(Environment.GetEnvironmentVariable(ReadyLimitVariable), NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s > 0 && s < 86400
        ? TimeSpan.FromSeconds(s)
        : TimeSpan.FromMinutes(10);

    /// <summary>How often SSH is tried while the VM boots.</summary>
    public TimeSpan Poll { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Whether the address answers SSH now (tests of VMs that are not machines replace it).</summary>
    public Func<string, CancellationToken, Task<bool>> SshAnswers { get; init; } = AnswersOnPort22Async;

    public string Name => BackendName;

    public string Summary => settings.Regions is { } regions ? $"Azure VMs in {string.Join(", ", regions)}" : "Azure VMs in every region of the catalog";

    public IReadOnlyList<string> Machines => [];

    public bool IsAdmitted(Requirements requirements) => requirements.Admits(BackendType.Azure);

    public BackendOffers GetOffers(Requirements requirements, OfferContext context)
    {
        var candidates = WithMaxPrice(WithLiveSkus(AzureOffers.For(AzureCatalog.Shipped.Rows, requirements, settings.Regions)), requirements.MaxPrice);
        var volumes = requirements.VolumeProblems("the VM").ToList();
        if (volumes.Count > 0)
        {
            candidates = [.. candidates.Select(c => c with { Unmet = [.. c.Unmet, .. volumes.Select(v => v.Short)] })];
        }

        var date = AzureCatalog.Shipped.Date;
        return new BackendOffers(BackendName, candidates, [.. volumes.Select(v => OfferProblem.Error(Diagnostics.DiagnosticCodes.InvalidVolume, v.Full, "volumes"))])
        {
            Prices = new OfferPrices(OfferPrices.Catalog, $"Azure VM catalog of {date:yyyy-MM-dd} (shipped; estimates)", date, null, null),
        };
    }

    public async Task<IReadOnlyList<BackendCheck>> CheckAsync(CancellationToken cancellationToken)
    {
        var region = settings.Regions?.FirstOrDefault() ?? "eastus";
        try
        {
            var skus = await _compute.SkusAsync(region, cancellationToken).ConfigureAwait(false);
            return [new BackendCheck(region, true, "ok", $"the credentials work ({AzureCredentialsSource.Describe(settings)}); ARM listed {skus.Count} VM sizes in {region}")];
        }
        catch (Exception e) when (e is RequestFailedException or global::Azure.Identity.AuthenticationFailedException or global::Azure.Identity.CredentialUnavailableException)
        {
            return [new BackendCheck(region, false, "error", $"{AzureCredentialsSource.Describe(settings)}: {e.Message.Split('\n')[0]}")];
        }
    }

    public async Task<Instance> ProvisionAsync(ProvisionRequest request, IProgress<RunProgress>? progress, CancellationToken cancellationToken)
    {
        var offer = request.Offer;
        var region = offer.Region;
        var size = offer.Data.GetValueOrDefault(AzureOffers.VmSizeKey, offer.Instance);
        var project = CloudInit.ProjectName(home);
        var group = ResourceGroupName(project, region);
        var name = VmName(request.Token);
        var key = ProjectKey.Of(home);
        void Step(string step, string detail) => progress?.Report(new ProvisioningStepProgress(request.Rank, BackendName, step, detail));
        var tags = new Dictionary<string, string>(settings.Tags, StringComparer.Ordinal) { ["dstack-run"] = request.RunName, ["dstack-project"] = project };
        string subnet;
        string? placement = null;
        try
        {
            Step("resource_group", $"making the resource group {group} in {region}");
            await _compute.EnsureResourceGroupAsync(group, region, tags, cancellationToken).ConfigureAwait(false);
            Step("network", settings.VpcIds.TryGetValue(region, out var vpc) ? $"using the virtual network {vpc}" : $"making the virtual network {AzureCompute.NetworkName} and security group {AzureCompute.SecurityGroupName} (SSH in) in {group}");
            subnet = vpc is not null ? _compute.SubnetOf(vpc) : await _compute.EnsureNetworkAsync(group, region, tags, cancellationToken).ConfigureAwait(false);
            if (request.Group is { } runGroup)
            {
                var placementName = PlacementGroupName(runGroup);
                Step("placement_group", $"making the proximity placement group {placementName} in {group}");
                placement = await _compute.EnsureProximityPlacementGroupAsync(group, placementName, region, tags, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (RequestFailedException e)
        {
            throw new ProvisioningException($"{size} in {region}: ARM refused to make {group}, its network{(request.Group is null ? string.Empty : " or the proximity placement group")} ({e.ErrorCode ?? e.Status.ToString(CultureInfo.InvariantCulture)}: {FirstLine(e.Message)}); the credentials need the Contributor role on subscription {settings.SubscriptionId}");
        }

        var disk = int.TryParse(offer.Data.GetValueOrDefault(AzureOffers.DiskKey), NumberStyles.Float, CultureInfo.InvariantCulture, out var gigabytes) ? gigabytes : (int)AzureOffers.DefaultDiskGb;
        var maxPrice = MaxPriceOf(offer);
        var launch = new AzureVmLaunch(group, name, region, size, offer.Spot, maxPrice, subnet, settings.PublicIps, User, key.PublicKey, disk, tags)
        {
            ProximityPlacementGroupId = placement,
            Image = offer.Resources.Gpus.Count > 0 ? AzureVmLaunch.GpuImage : AzureVmLaunch.CpuImage,
            CustomData = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(CustomData(User, request.Containers))),
        };
        var market = offer.Spot ? maxPrice is { } max ? $"spot, max price ${Money(max)}/hour" : "spot" : "pay-as-you-go";
        Step("creating", $"making {name} ({size}, {market}) in {region}{(placement is null ? string.Empty : $" in the proximity placement group {PlacementGroupName(request.Group!)}")}");
        try
        {
            // The request is carried out whatever happens; a stop while ARM still makes the VM ends the wait, and the VM
            // is deleted below.
            await _compute.CreateVmAsync(launch, cancellationToken).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            var address = (settings.PublicIps
                ? await _compute.PublicIpAsync(group, name, cancellationToken).ConfigureAwait(false)
                : await _compute.PrivateIpAsync(group, name, cancellationToken).ConfigureAwait(false))
                ?? throw new ProvisioningException($"{name} ({size}) in {region} has no {(settings.PublicIps ? "public" : "private")} address; it was deleted");
            Step("waiting_for_ssh", $"waiting for SSH at {address}");
            var deadline = DateTimeOffset.UtcNow + ReadyLimit;
            while (!await SshAnswers(address, cancellationToken).ConfigureAwait(false))
            {
                if (DateTimeOffset.UtcNow >= deadline)
                {
                    throw new ProvisioningException($"{name} ({size}) in {region} runs at {address} but did not answer SSH (port 22) within {ReadyLimit.TotalSeconds:0} seconds ({ReadyLimitVariable} changes it); it was deleted (check the security group and public_ips)");
                }

                await Task.Delay(Poll, cancellationToken).ConfigureAwait(false);
            }

            if (request.Containers)
            {
                await WaitForDockerAsync(new SshHost(name, User, address, 22, key.PrivateKeyFile), Step, cancellationToken).ConfigureAwait(false);
            }

            Step("ready", $"{name} is ready at {address}");
            var data = new Dictionary<string, string>(offer.Data, StringComparer.Ordinal) { [HostKey] = address, [UserKey] = User, [IdentityKey] = key.PrivateKeyFile };
            return new Instance(offer with { Data = data }, InstanceIdOf(group, name), address);
        }
        catch (Exception e)
        {
            // Made or half made (a failed allocation leaves the VM in state Failed): it must not be left behind.
            await _compute.DeleteVmAsync(group, name, CancellationToken.None).ConfigureAwait(false);
            if (e is RequestFailedException refused)
            {
                throw Refusal(size, region, maxPrice, refused);
            }

            throw;
        }
    }

    public async Task<bool?> ExistsAsync(Instance instance, CancellationToken cancellationToken)
    {
        var (group, name) = Split(instance);
        try
        {
            return await _compute.VmAsync(group, name, cancellationToken).ConfigureAwait(false) is not null;
        }
        catch (Exception e) when (e is RequestFailedException or global::Azure.Identity.AuthenticationFailedException or global::Azure.Identity.CredentialUnavailableException)
        {
            // ARM could not be asked now (refused, signed out): unknown, not gone.
            return null;
        }
    }

    public IJobHost HostOf(Instance instance, HostContext context)
    {
        var data = instance.Offer.Data;
        // The VM's name, not group/name: the host's name becomes part of file names (its control socket).
        var host = new SshHost(Split(instance).Name, data.GetValueOrDefault(UserKey, DefaultUser), data.GetValueOrDefault(HostKey, instance.Address), 22, data.GetValueOrDefault(IdentityKey));
        // A Spot VM Azure evicted is given up as soon as ARM says so, not after SSH's reconnect window.
        return new RemoteHost(host, instance, context) { Gone = async cancellationToken => await InterruptionOfAsync(instance, cancellationToken).ConfigureAwait(false) is not null };
    }

    /// <summary>ARM's base address from <c>DSTACK_AZURE_ARM_ENDPOINT</c>: an absolute https URI, else null (the public cloud's).</summary>
    public static Uri? EndpointFrom(string? text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps ? uri : null;

    /// <summary>The resource group of a project's VMs in a region: <c>dstack-PROJECT-REGION</c>.</summary>
    public static string ResourceGroupName(string project, string region) => $"dstack-{project}-{region}";

    /// <summary>The VM's name, from the provisioning's token: an instance recorded before ARM answered is found by it.</summary>
    public static string VmName(string token) => "dstack-" + Dstack.Runtime.Hashing.ShortHash.HexOf(token)[..16];

    private static string InstanceIdOf(string group, string name) => $"{group}/{name}";

    /// <summary>The VM of an instance: <c>group/name</c>, or a token recorded before provisioning answered (its region's group).</summary>
    private (string Group, string Name) Split(Instance instance) =>
        instance.InstanceId.Split('/') is [var group, var name]
            ? (group, name)
            : (ResourceGroupName(CloudInit.ProjectName(home), instance.Offer.Region), VmName(instance.InstanceId));

    private static string FirstLine(string text) => text.Split('\n')[0].Trim();

    private static async Task<bool> AnswersOnPort22Async(string address, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        try
        {
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            attempt.CancelAfter(TimeSpan.FromSeconds(5));
            await client.ConnectAsync(address, 22, attempt.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
