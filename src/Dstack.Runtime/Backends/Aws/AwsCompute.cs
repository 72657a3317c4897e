using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Amazon;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.Runtime;

namespace Dstack.Runtime.Backends.Aws;

/// <summary>
/// What the AWS backend asks of EC2, one call each, through the SDK (credentials from its own chain or the configured
/// access key; the endpoint from <c>AWS_ENDPOINT_URL_EC2</c> when set, which is how tests reach a fake): the project's
/// key pair and security group, the VPC and subnet, the image, the launch (with a client token, so a repeated call
/// creates nothing twice), the instance's state, and its termination. EC2's refusals become
/// <see cref="ProvisioningException"/>s naming the offer, why, and what to do.
/// </summary>
public sealed partial class AwsCompute(AwsSettings settings, Func<string, IAmazonEC2>? clients = null)
{
    /// <summary>EC2's answers that mean "not this offer now": the next offer is tried.</summary>
    public static readonly IReadOnlySet<string> CapacityErrors = new HashSet<string>(StringComparer.Ordinal)
    {
        "InsufficientInstanceCapacity", "InstanceLimitExceeded", "VcpuLimitExceeded", "SpotMaxPriceTooLow", "Unsupported",
        "MaxSpotInstanceCountExceeded", "InsufficientCapacity", "SpotInstanceCountExceeded",
    };

    /// <summary>The IAM permissions the backend uses (docs/backends.md lists them for a policy).</summary>
    public static readonly IReadOnlyList<string> Permissions =
    [
        "ec2:DescribeRegions", "ec2:DescribeInstanceTypes", "ec2:DescribeInstanceTypeOfferings", "ec2:DescribeSpotPriceHistory",
        "ec2:DescribeImages", "ec2:DescribeVpcs", "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups", "ec2:CreateSecurityGroup",
        "ec2:AuthorizeSecurityGroupIngress", "ec2:DescribeKeyPairs", "ec2:ImportKeyPair", "ec2:RunInstances", "ec2:CreateTags",
        "ec2:DescribeInstances", "ec2:TerminateInstances", "ec2:CreatePlacementGroup", "ec2:DeletePlacementGroup",
    ];

    private readonly Func<string, IAmazonEC2> _clients = clients ?? (region => Create(settings, region));
    private readonly Dictionary<string, IAmazonEC2> _byRegion = new(StringComparer.Ordinal);

    /// <summary>A client for <paramref name="region"/> with the configured credentials (or the SDK's chain).</summary>
    public static IAmazonEC2 Create(AwsSettings settings, string region)
    {
        var config = new AmazonEC2Config { RegionEndpoint = RegionEndpoint.GetBySystemName(region) };
        return settings.AccessKey is { } key
            ? new AmazonEC2Client(new BasicAWSCredentials(key.AccessKeyId, key.SecretAccessKey), config)
            : new AmazonEC2Client(config);
    }

    internal IAmazonEC2 Client(string region)
    {
        lock (_byRegion)
        {
            if (!_byRegion.TryGetValue(region, out var client))
            {
                client = _clients(region);
                _byRegion[region] = client;
            }

            return client;
        }
    }

    /// <summary>The project's key pair in <paramref name="region"/>: imported once (a second import of the same name is fine).</summary>
    public async Task EnsureKeyPairAsync(string region, ProjectKey key, CancellationToken cancellationToken)
    {
        var client = Client(region);
        try
        {
            await client.DescribeKeyPairsAsync(new DescribeKeyPairsRequest { KeyNames = [key.Name] }, cancellationToken).ConfigureAwait(false);
            return;
        }
        catch (AmazonEC2Exception e) when (e.ErrorCode == "InvalidKeyPair.NotFound")
        {
        }

        try
        {
            // The SDK sends PublicKeyMaterial as it is given: EC2 wants the key line base64-encoded.
            await client.ImportKeyPairAsync(new ImportKeyPairRequest { KeyName = key.Name, PublicKeyMaterial = key.PublicKeyBase64 }, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonEC2Exception e) when (e.ErrorCode == "InvalidKeyPair.Duplicate")
        {
            // Another dstack process imported it meanwhile.
        }
    }

    /// <summary>The VPC runs use in <paramref name="region"/>: by id (vpc_ids), by name (vpc_name), or the default one.</summary>
    public async Task<string> VpcAsync(string region, CancellationToken cancellationToken)
    {
        if (settings.VpcIds.TryGetValue(region, out var configured))
        {
            return configured;
        }

        var filter = settings.VpcName is { } name ? new Filter("tag:Name", [name]) : new Filter("isDefault", ["true"]);
        if (settings.VpcName is null && !settings.DefaultVpcs)
        {
            throw new ProvisioningException($"{region}: no VPC is configured (vpc_ids has none for this region, and default_vpcs is false); add `{region}: vpc-...` to vpc_ids, or set default_vpcs: true");
        }

        var vpcs = await Client(region).DescribeVpcsAsync(new DescribeVpcsRequest { Filters = [filter] }, cancellationToken).ConfigureAwait(false);
        return vpcs.Vpcs?.FirstOrDefault()?.VpcId
            ?? throw new ProvisioningException(settings.VpcName is { } missing
                ? $"{region}: no VPC is named {missing}; create it, or fix vpc_name in config.yml"
                : $"{region}: the account has no default VPC; create one (aws ec2 create-default-vpc), or set vpc_ids in config.yml");
    }

    /// <summary>A subnet of the VPC (one that gives public addresses first, when instances get them).</summary>
    public async Task<string> SubnetAsync(string region, string vpcId, CancellationToken cancellationToken)
    {
        var subnets = await Client(region).DescribeSubnetsAsync(new DescribeSubnetsRequest { Filters = [new Filter("vpc-id", [vpcId])] }, cancellationToken).ConfigureAwait(false);
        var all = subnets.Subnets ?? [];
        var chosen = all.OrderByDescending(s => settings.PublicIps && s.MapPublicIpOnLaunch == true).ThenBy(s => s.SubnetId, StringComparer.Ordinal).FirstOrDefault();
        return chosen?.SubnetId ?? throw new ProvisioningException($"{region}: the VPC {vpcId} has no subnet; add one, or name another VPC in config.yml");
    }

    /// <summary>The project's security group in the VPC: SSH (22) in, nothing else; made once.</summary>
    public async Task<string> SecurityGroupAsync(string region, string vpcId, string project, CancellationToken cancellationToken)
    {
        var client = Client(region);
        var name = $"dstack-{project}";
        var found = await client.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { Filters = [new Filter("group-name", [name]), new Filter("vpc-id", [vpcId])] }, cancellationToken).ConfigureAwait(false);
        if (found.SecurityGroups?.FirstOrDefault() is { } existing)
        {
            return existing.GroupId;
        }

        string groupId;
        try
        {
            var created = await client.CreateSecurityGroupAsync(new CreateSecurityGroupRequest { GroupName = name, Description = "dstack: SSH in for runs of this project", VpcId = vpcId }, cancellationToken).ConfigureAwait(false);
            groupId = created.GroupId;
        }
        catch (AmazonEC2Exception e) when (e.ErrorCode == "InvalidGroup.Duplicate")
        {
            var again = await client.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { Filters = [new Filter("group-name", [name]), new Filter("vpc-id", [vpcId])] }, cancellationToken).ConfigureAwait(false);
            return again.SecurityGroups?.FirstOrDefault()?.GroupId ?? throw new ProvisioningException($"{region}: the security group {name} exists but cannot be read; check the IAM permission ec2:DescribeSecurityGroups");
        }

        await client.AuthorizeSecurityGroupIngressAsync(new AuthorizeSecurityGroupIngressRequest
        {
            GroupId = groupId,
            IpPermissions = [new IpPermission { IpProtocol = "tcp", FromPort = 22, ToPort = 22, Ipv4Ranges = [new IpRange { CidrIp = "0.0.0.0/0", Description = "SSH from dstack" }] }],
        }, cancellationToken).ConfigureAwait(false);
        return groupId;
    }

    /// <summary>The newest image of <paramref name="image"/>'s name and owner in the region.</summary>
    public async Task<string> ImageAsync(string region, AwsOsImage image, CancellationToken cancellationToken)
    {
        var images = await Client(region).DescribeImagesAsync(new DescribeImagesRequest { Owners = [image.Owner], Filters = [new Filter("name", [image.Name]), new Filter("state", ["available"])] }, cancellationToken).ConfigureAwait(false);
        return (images.Images ?? []).OrderByDescending(i => i.CreationDate, StringComparer.Ordinal).FirstOrDefault()?.ImageId
            ?? throw new ProvisioningException($"{region}: no image named {image.Name} (owner {image.Owner}) is available; fix os_images in config.yml, or leave it out for dstack's default images");
    }

    /// <summary>What to launch: one instance of an offer, in a subnet, with the project's key and group.</summary>
    public sealed record Launch(string Region, string InstanceType, bool Spot, decimal? MaxPrice, string ImageId, string SubnetId, string SecurityGroupId, string KeyName, int DiskGigabytes, string ClientToken, IReadOnlyDictionary<string, string> Tags, string UserData)
    {
        /// <summary>The placement group to launch in (<c>Placement.GroupName</c>); null for none.</summary>
        public string? PlacementGroup { get; init; }
    }

    /// <summary>Launches one instance; returns its id. EC2's capacity answers become a no-capacity <see cref="ProvisioningException"/>.</summary>
    public async Task<string> RunAsync(Launch launch, CancellationToken cancellationToken)
    {
        var tags = launch.Tags.Select(t => new Tag(t.Key, t.Value)).ToList();
        var request = new RunInstancesRequest
        {
            ImageId = launch.ImageId,
            InstanceType = InstanceType.FindValue(launch.InstanceType),
            MinCount = 1,
            MaxCount = 1,
            KeyName = launch.KeyName,
            ClientToken = launch.ClientToken,
            UserData = Convert.ToBase64String(Encoding.UTF8.GetBytes(launch.UserData)),
            NetworkInterfaces = [new InstanceNetworkInterfaceSpecification { DeviceIndex = 0, SubnetId = launch.SubnetId, Groups = [launch.SecurityGroupId], AssociatePublicIpAddress = settings.PublicIps, DeleteOnTermination = true }],
            BlockDeviceMappings = [new BlockDeviceMapping { DeviceName = "/dev/sda1", Ebs = new EbsBlockDevice { VolumeSize = launch.DiskGigabytes, VolumeType = VolumeType.Gp3, DeleteOnTermination = true } }],
            TagSpecifications = [new TagSpecification { ResourceType = ResourceType.Instance, Tags = tags }, new TagSpecification { ResourceType = ResourceType.Volume, Tags = tags }],
        };
        if (launch.PlacementGroup is { } placementGroup)
        {
            request.Placement = new Placement { GroupName = placementGroup };
        }

        if (launch.Spot)
        {
            request.InstanceMarketOptions = new InstanceMarketOptionsRequest
            {
                MarketType = MarketType.Spot,
                SpotOptions = new SpotMarketOptions
                {
                    SpotInstanceType = SpotInstanceType.OneTime,
                    InstanceInterruptionBehavior = InstanceInterruptionBehavior.Terminate,
                    MaxPrice = launch.MaxPrice?.ToString("0.####", CultureInfo.InvariantCulture),
                },
            };
        }

        try
        {
            var response = await Client(launch.Region).RunInstancesAsync(request, cancellationToken).ConfigureAwait(false);
            return response.Reservation?.Instances?.FirstOrDefault()?.InstanceId
                ?? throw new ProvisioningException($"{launch.Region}: EC2 accepted the launch of {launch.InstanceType} but named no instance; dstack instance list shows what is recorded");
        }
        catch (AmazonEC2Exception e) when (CapacityErrors.Contains(e.ErrorCode))
        {
            throw new ProvisioningException($"{launch.InstanceType} ({(launch.Spot ? "spot" : "on-demand")}) in {launch.Region}: {e.ErrorCode}: {e.Message}", noCapacity: true);
        }
        catch (AmazonEC2Exception e)
        {
            throw new ProvisioningException($"{launch.InstanceType} in {launch.Region}: {Explain(e, "ec2:RunInstances")}");
        }
    }

    /// <summary>The instance as EC2 sees it now; null when EC2 knows no such instance.</summary>
    public async Task<Amazon.EC2.Model.Instance?> DescribeAsync(string region, string instanceId, CancellationToken cancellationToken)
    {
        try
        {
            var response = await Client(region).DescribeInstancesAsync(new DescribeInstancesRequest { InstanceIds = [instanceId] }, cancellationToken).ConfigureAwait(false);
            return response.Reservations?.SelectMany(r => r.Instances ?? []).FirstOrDefault(i => i.InstanceId == instanceId);
        }
        catch (AmazonEC2Exception e) when (e.ErrorCode == "InvalidInstanceID.NotFound")
        {
            return null;
        }
    }

    /// <summary>The instance a launch with <paramref name="clientToken"/> made, if any (a crash may have left one).</summary>
    public async Task<string?> FindByTokenAsync(string region, string clientToken, CancellationToken cancellationToken)
    {
        var response = await Client(region).DescribeInstancesAsync(new DescribeInstancesRequest { Filters = [new Filter("client-token", [clientToken])] }, cancellationToken).ConfigureAwait(false);
        return response.Reservations?.SelectMany(r => r.Instances ?? []).FirstOrDefault()?.InstanceId;
    }

    /// <summary>Terminates the instance; one EC2 no longer knows is no error.</summary>
    public async Task TerminateAsync(string region, string instanceId, CancellationToken cancellationToken)
    {
        try
        {
            await Client(region).TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = [instanceId] }, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonEC2Exception e) when (e.ErrorCode == "InvalidInstanceID.NotFound")
        {
        }
    }

    /// <summary>
    /// EC2's client token for a provisioning token: at most 64 ASCII characters, the same for the same token (so a
    /// repeated launch after a crash makes nothing twice).
    /// </summary>
    public static string ClientToken(string token) => "dstack-" + Dstack.Runtime.Hashing.ShortHash.HexOf(token)[..40];

    /// <summary>A refusal in words: a missing permission is named (with the list of what the backend needs).</summary>
    public static string Explain(AmazonEC2Exception e, string permission) => e.ErrorCode switch
    {
        "UnauthorizedOperation" => $"UnauthorizedOperation: the credentials may not call {permission}; give the IAM user or role the permissions the aws backend needs ({string.Join(", ", Permissions)}; docs/backends.md, section AWS, has the policy)",
        "AuthFailure" => "AuthFailure: AWS refused the credentials; check the access key (or AWS_PROFILE) and that the key is active",
        "RequestLimitExceeded" => "RequestLimitExceeded: EC2 throttled the calls; try again in a minute",
        _ => $"{e.ErrorCode}: {e.Message}",
    };
}
