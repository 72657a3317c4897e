using System.Globalization;
using Dstack.Runtime.Ssh;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Hosts;
using Dstack.Runtime.Offers;
using Dstack.Runtime.Runs;
using Dstack.Runtime.State;

namespace Dstack.Runtime.Backends.Aws;

/// <summary>
/// AWS as a backend: offers from the shipped EC2 catalog (<see cref="AwsCatalog"/>, no credentials needed), an EC2
/// instance provisioned for an offer (the project's key pair and security group, the image, a launch with the
/// provisioning's token as client token, then running, an address and SSH), reached as a <see cref="RemoteHost"/>,
/// and terminated when the run ends.
/// </summary>
/// <param name="home">The state folder (the project's SSH key).</param>
/// <param name="settings">The <c>- type: aws</c> entry of config.yml.</param>
/// <param name="compute">The EC2 calls (tests pass one over a fake endpoint).</param>
public sealed partial class AwsBackend(DstackHome home, AwsSettings settings, AwsCompute? compute = null) : IBackend
{
    public const string BackendName = AwsOffers.BackendName;

    /// <summary>The offer's entries this backend adds when it provisions: how to reach the instance.</summary>
    public const string HostKey = "host";

    public const string UserKey = "user";

    public const string IdentityKey = "identity_file";

    private readonly AwsCompute _compute = compute ?? new AwsCompute(settings);

    /// <summary>The environment variable that sets <see cref="ReadyLimit"/> in seconds.</summary>
    public const string ReadyLimitVariable = "DSTACK_AWS_READY_SECONDS";

    /// <summary>How long an instance may take to run and to answer SSH: 10 minutes, or <c>DSTACK_AWS_READY_SECONDS</c>.</summary>
    public TimeSpan ReadyLimit { get; init; } = ReadyLimitFrom(System.Environment.GetEnvironmentVariable(ReadyLimitVariable));

    /// <summary>How often the instance's state is asked for while it starts.</summary>
    public TimeSpan Poll { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Whether the address answers SSH now (tests of instances that are not machines replace it).</summary>
    public Func<string, CancellationToken, Task<bool>> SshAnswers { get; init; } = AnswersOnPort22Async;

    public string Name => BackendName;

    public string Summary => settings.Regions is { } regions ? $"EC2 in {string.Join(", ", regions)}" : "EC2 in every region of the catalog";

    public IReadOnlyList<string> Machines => [];

    public bool IsAdmitted(Requirements requirements) => requirements.Admits(BackendType.Aws);

    /// <summary>What "now" is for the freshness of live offers (tests move it).</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>The shipped catalog with EC2's cached live answers (<see cref="AwsLiveOffers"/>).</summary>
    public AwsLiveOffers LiveOffers => field ??= new AwsLiveOffers(home, settings, _compute, compute is not null, Clock);

    public BackendOffers GetOffers(Requirements requirements, OfferContext context) => LiveOffers.Offers(requirements);

    public Task<OfferRefresh> RefreshOffersAsync(CancellationToken cancellationToken) => LiveOffers.RefreshAsync(cancellationToken);

    public bool RefreshesOffers => true;

    public async Task<IReadOnlyList<BackendCheck>> CheckAsync(CancellationToken cancellationToken)
    {
        var region = settings.Regions?.FirstOrDefault() ?? "us-east-1";
        var problem = await _compute.CheckCredentialsAsync(region, cancellationToken).ConfigureAwait(false);
        if (problem is null)
        {
            return [new BackendCheck(region, true, "ok", $"the credentials work ({_compute.CredentialsInWords}); EC2 answered in {region}")];
        }

        return [new BackendCheck(region, false, problem.Value.Status, problem.Value.Details)];
    }

    public async Task<Backends.Instance> ProvisionAsync(ProvisionRequest request, IProgress<RunProgress>? progress, CancellationToken cancellationToken)
    {
        var offer = request.Offer;
        var region = offer.Region;
        var type = offer.Data.GetValueOrDefault(AwsOffers.InstanceTypeKey, offer.Instance);
        var spot = offer.Spot;
        var gpus = offer.Resources.Gpus.Count > 0;
        var image = (gpus ? settings.NvidiaImage : settings.CpuImage) ?? (gpus ? DefaultGpuImage : DefaultCpuImage);
        var key = ProjectKey.Of(home);
        var project = CloudInit.ProjectName(home);
        void Step(string step, string detail) => progress?.Report(new ProvisioningStepProgress(request.Rank, BackendName, step, detail));

        // EC2's refusals of the calls before the launch, in words that name the call's permission.
        var permission = "ec2:ImportKeyPair";
        string vpc, subnet, group, imageId;
        string? placementGroup = null;
        var tags = new Dictionary<string, string>(settings.Tags, StringComparer.Ordinal)
        {
            ["dstack:run"] = request.RunName,
            ["dstack:project"] = project,
        };
        try
        {
            Step("key_pair", $"importing the project's key pair {key.Name} into {region}");
            await _compute.EnsureKeyPairAsync(region, key, cancellationToken).ConfigureAwait(false);
            Step("security_group", $"finding the VPC, subnet and security group dstack-{project} in {region}");
            permission = "ec2:DescribeVpcs, ec2:DescribeSubnets, ec2:CreateSecurityGroup";
            vpc = await _compute.VpcAsync(region, cancellationToken).ConfigureAwait(false);
            subnet = await _compute.SubnetAsync(region, vpc, cancellationToken).ConfigureAwait(false);
            group = await _compute.SecurityGroupAsync(region, vpc, project, cancellationToken).ConfigureAwait(false);
            Step("image", $"finding the image {image.Name} in {region}");
            permission = "ec2:DescribeImages";
            imageId = await _compute.ImageAsync(region, image, cancellationToken).ConfigureAwait(false);
            if (request.Group is { } runGroup && AwsCompute.SupportsClusterPlacement(type))
            {
                placementGroup = PlacementGroupName(project, runGroup);
                Step("placement_group", $"making the cluster placement group {placementGroup} in {region}");
                permission = "ec2:CreatePlacementGroup";
                await _compute.EnsurePlacementGroupAsync(region, placementGroup, tags, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Amazon.EC2.AmazonEC2Exception e)
        {
            throw new ProvisioningException($"{type} in {region}: {AwsCompute.Explain(e, permission)}");
        }

        var disk = int.TryParse(offer.Data.GetValueOrDefault(AwsOffers.DiskKey), NumberStyles.Float, CultureInfo.InvariantCulture, out var gigabytes) ? gigabytes : (int)AwsOffers.DefaultDiskGb;
        tags["Name"] = $"{request.RunName}-{request.Rank}";
        var launch = new AwsCompute.Launch(region, type, spot, null, imageId, subnet, group, key.Name, disk, AwsCompute.ClientToken(request.Token), tags, CloudInit.UserData(image.User, request.Containers)) { PlacementGroup = placementGroup };
        Step("launching", $"launching {type} ({(spot ? "spot" : "on-demand")}) in {region}{(placementGroup is null ? string.Empty : $" in the placement group {placementGroup}")}");
        // The launch itself is not cancelled: EC2 may carry it out even when its answer is never read, and an instance
        // whose id never came back could be found only by its client token, racing its creation. A stop during the
        // launch gets the id, then the wait below ends at once and the instance is terminated.
        var instanceId = await _compute.RunAsync(launch, CancellationToken.None).ConfigureAwait(false);
        try
        {
            var address = await WaitUntilReadyAsync(region, instanceId, Step, cancellationToken).ConfigureAwait(false);
            if (request.Containers)
            {
                await WaitForDockerAsync(new SshHost(instanceId, image.User, address, 22, key.PrivateKeyFile) { KnownHostsFile = KnownHostsOf(instanceId) }, Step, cancellationToken).ConfigureAwait(false);
            }

            Step("ready", $"{instanceId} is ready at {address}");
            var data = new Dictionary<string, string>(offer.Data, StringComparer.Ordinal)
            {
                [HostKey] = address,
                [UserKey] = image.User,
                [IdentityKey] = key.PrivateKeyFile,
            };
            return new Backends.Instance(offer with { Data = data }, instanceId, address);
        }
        catch
        {
            // Launched but never ready: it must not be left behind.
            await _compute.TerminateAsync(region, instanceId, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    public async Task<bool?> ExistsAsync(Backends.Instance instance, CancellationToken cancellationToken)
    {
        var found = await _compute.DescribeAsync(instance.Offer.Region, instance.InstanceId, cancellationToken).ConfigureAwait(false);
        return found is not null && found.State.Name != Amazon.EC2.InstanceStateName.Terminated && found.State.Name != Amazon.EC2.InstanceStateName.ShuttingDown;
    }

    /// <summary>
    /// What EC2 says ended the instance when it is shutting down, terminated or stopped without dstack asking (a spot
    /// interruption: <c>Server.SpotInstanceTermination</c>), or that EC2 no longer knows it; null while it runs.
    /// </summary>
    public async Task<string?> InterruptionOfAsync(Backends.Instance instance, CancellationToken cancellationToken)
    {
        if (!instance.InstanceId.StartsWith("i-", StringComparison.Ordinal))
        {
            return null;
        }

        var found = await _compute.DescribeAsync(instance.Offer.Region, instance.InstanceId, cancellationToken).ConfigureAwait(false);
        if (found is null)
        {
            return "EC2 no longer knows it";
        }

        var state = found.State.Name;
        if (state != Amazon.EC2.InstanceStateName.Terminated && state != Amazon.EC2.InstanceStateName.ShuttingDown
            && state != Amazon.EC2.InstanceStateName.Stopping && state != Amazon.EC2.InstanceStateName.Stopped)
        {
            return null;
        }

        return found.StateReason?.Message is { Length: > 0 } why ? $"EC2 says {state.Value} ({why})" : $"EC2 says {state.Value}";
    }

    /// <summary>
    /// Terminates the instance; one recorded before EC2 answered (its id is still the provisioning token) is found by
    /// its client token first, so a crash between the launch and its record leaks nothing.
    /// </summary>
    public async Task TerminateAsync(Backends.Instance instance, CancellationToken cancellationToken)
    {
        var region = instance.Offer.Region;
        var id = instance.InstanceId.StartsWith("i-", StringComparison.Ordinal)
            ? instance.InstanceId
            : await _compute.FindByTokenAsync(region, AwsCompute.ClientToken(instance.InstanceId), cancellationToken).ConfigureAwait(false);
        if (id is not null)
        {
            await _compute.TerminateAsync(region, id, cancellationToken).ConfigureAwait(false);
            ForgetHostKeys(id);
        }
    }

    /// <summary>Deletes the run's cluster placement groups (one per region its nodes were asked in), its instances being gone.</summary>
    public async Task ReleaseGroupAsync(string group, IReadOnlyList<Offer> offers, CancellationToken cancellationToken)
    {
        var name = PlacementGroupName(CloudInit.ProjectName(home), group);
        var regions = offers.Where(o => AwsCompute.SupportsClusterPlacement(o.Data.GetValueOrDefault(AwsOffers.InstanceTypeKey, o.Instance))).Select(o => o.Region).Distinct(StringComparer.Ordinal);
        foreach (var region in regions)
        {
            await _compute.DeletePlacementGroupAsync(region, name, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The cluster placement group of a run's nodes: <c>dstack-PROJECT-RUN</c> (names are unique per account and region).</summary>
    public static string PlacementGroupName(string project, string group) => $"dstack-{project}-{group}";

    /// <summary>
    /// The instance as an SSH host with its own known_hosts (<see cref="DstackHome.InstanceKnownHostsFile"/>): EC2 gives
    /// a released address to new instances, each with new host keys, which the pool's one known_hosts would refuse.
    /// </summary>
    public IJobHost HostOf(Backends.Instance instance, HostContext context)
    {
        var data = instance.Offer.Data;
        var host = new SshHost(instance.InstanceId, data.GetValueOrDefault(UserKey, DefaultCpuImage.User), data.GetValueOrDefault(HostKey, instance.Address), 22, data.GetValueOrDefault(IdentityKey))
        {
            KnownHostsFile = KnownHostsOf(instance.InstanceId),
        };
        // A spot instance taken back is given up as soon as EC2 says so, not after SSH's reconnect window.
        return new RemoteHost(host, instance, context) { Gone = async cancellationToken => await InterruptionOfAsync(instance, cancellationToken).ConfigureAwait(false) is not null };
    }

    /// <summary>
    /// The instance's own known_hosts (its folder is made when ssh first runs, <see cref="SshCommand.EnsureFolder()"/>);
    /// null for an instance EC2 has not named yet (a planned host, a launch not answered), which has no address either.
    /// </summary>
    private string? KnownHostsOf(string instanceId)
    {
        try
        {
            return instanceId.StartsWith("i-", StringComparison.Ordinal) ? home.InstanceKnownHostsFile(instanceId) : null;
        }
        catch (UnsafePathException)
        {
            return null;
        }
    }

    /// <summary>Deletes a terminated instance's own known_hosts; one that cannot be deleted now is left (it is never read again).</summary>
    private void ForgetHostKeys(string instanceId)
    {
        try
        {
            var folder = home.InstanceSshFolder(instanceId);
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    /// <summary>Ubuntu 24.04 by Canonical, for instances without GPUs.</summary>
    public static readonly AwsOsImage DefaultCpuImage = new("ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-*", "099720109477", "ubuntu");

    /// <summary>AWS's deep-learning base image (NVIDIA driver and CUDA), for instances with NVIDIA GPUs.</summary>
    public static readonly AwsOsImage DefaultGpuImage = new("Deep Learning Base OSS Nvidia Driver GPU AMI (Ubuntu 22.04)*", "amazon", "ubuntu");
}
