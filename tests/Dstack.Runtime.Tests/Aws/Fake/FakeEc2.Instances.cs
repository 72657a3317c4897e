using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Dstack.Runtime.Tests.CloudFakes;
using static Dstack.Runtime.Tests.Aws.Fake.Ec2Xml;

namespace Dstack.Runtime.Tests.Aws.Fake;

/// <summary>
/// Instances: RunInstances, DescribeInstances, TerminateInstances and CreateTags. An instance is pending for
/// <see cref="PendingDescribes"/> describes, then running; TerminateInstances releases its machine at once and shows
/// it shutting-down for <see cref="ShuttingDownDescribes"/> describes, then terminated (and still listed, as EC2 lists
/// terminated instances for a while). Element names are those of the EC2 API reference (RunInstances,
/// <c>Reservation</c>, <c>Instance</c>, <c>InstanceState</c>, <c>StateReason</c>, TerminateInstances,
/// <c>InstanceStateChange</c>, CreateTags), as the SDK's <c>InstanceUnmarshaller</c> reads them: the public address is
/// <c>ipAddress</c>, the public DNS name <c>dnsName</c>, the state <c>instanceState</c>.
/// </summary>
public sealed partial class FakeEc2
{
    /// <summary>The <c>stateReason</c> code of a spot interruption.</summary>
    public const string SpotTermination = "Server.SpotInstanceTermination";

    /// <summary>The <c>stateReason</c> code of TerminateInstances.</summary>
    public const string UserShutdown = "Client.UserInitiatedShutdown";

    private static readonly Regex InstanceIdShape = new("^i-[0-9a-f]{8,17}$", RegexOptions.CultureInvariant);

    private readonly Dictionary<string, FakeInstance> _instances = new(StringComparer.Ordinal);
    private readonly List<(int AfterRunningDescribes, Func<Ec2Request, bool>? When)> _interruptions = [];
    private readonly List<Func<Ec2Request, bool>?> _unreachable = [];

    /// <summary>Releases the instance's machine once; answers the instance marked released.</summary>
    private FakeInstance Release(FakeInstance instance)
    {
        if (instance.Released)
        {
            return instance;
        }

        _machines.Release(instance.Machine);
        return instance with { Released = true };
    }

    // RunInstances: <reservationId/><ownerId/><groupSet/><instancesSet><item>Instance</item></instancesSet>
    // (API reference, RunInstances response elements: a Reservation).
    private IEnumerable<object?> RunInstances(Ec2Request request)
    {
        var token = request["ClientToken"];
        var earlier = token is null ? [] : _instances.Values.Where(i => i.Region == request.Region && i.ClientToken == token).OrderBy(i => i.Id, StringComparer.Ordinal).ToList();
        var launched = earlier.Count > 0 ? Idempotent(request, earlier) : Launch(request);
        yield return E("reservationId", launched[0].ReservationId);
        yield return E("ownerId", AccountId);
        yield return E("groupSet");
        yield return Set("instancesSet", launched.Select(InstanceXml));
    }

    /// <summary>A retried RunInstances with a ClientToken already used: the same instances, nothing new (EC2's idempotency).</summary>
    private static List<FakeInstance> Idempotent(Ec2Request request, List<FakeInstance> earlier)
    {
        var first = earlier[0];
        if ((request["ImageId"] ?? first.ImageId) != first.ImageId || (request["InstanceType"] ?? first.InstanceType) != first.InstanceType)
        {
            throw new FakeEc2Error("IdempotentParameterMismatch", $"The client token '{first.ClientToken}' was used with different parameters.");
        }

        return earlier;
    }

    private List<FakeInstance> Launch(Ec2Request request)
    {
        var imageId = Required(request, "ImageId");
        if (Images.All(i => i.Id != imageId))
        {
            throw new FakeEc2Error("InvalidAMIID.NotFound", $"The image id '[{imageId}]' does not exist");
        }

        var typeName = request["InstanceType"] ?? "m1.small";
        var type = InstanceTypes.FirstOrDefault(t => t.Name == typeName) ?? throw new FakeEc2Error("InvalidParameterValue", $"Invalid value '{typeName}' for InstanceType.");
        var min = Count(request, "MinCount");
        var max = Count(request, "MaxCount");
        if (min > max)
        {
            throw new FakeEc2Error("InvalidParameterValue", "MinCount must be less than or equal to MaxCount.");
        }

        var key = request["KeyName"] is { } keyName
            ? _keyPairs.GetValueOrDefault((request.Region, keyName)) ?? throw new FakeEc2Error("InvalidKeyPair.NotFound", $"The key pair '{keyName}' does not exist")
            : null;
        var network = request.Parameters.Structures("NetworkInterface").FirstOrDefault();
        var (subnetId, zone) = Placement(request, network?["SubnetId"] ?? request["SubnetId"], type);
        var placementGroup = request["Placement.GroupName"] is { Length: > 0 } pgName
            ? _placementGroups.ContainsKey((request.Region, pgName)) ? pgName : throw new FakeEc2Error("InvalidPlacementGroup.Unknown", $"The Placement Group '{pgName}' is unknown.")
            : null;
        var groups = SecurityGroupsOf(request, network);
        var userData = request["UserData"];
        string? userDataText = null;
        if (userData is not null)
        {
            try
            {
                userDataText = Encoding.UTF8.GetString(Convert.FromBase64String(userData));
            }
            catch (FormatException)
            {
                throw new FakeEc2Error("InvalidParameterValue", "Invalid BASE64 encoding of user data.");
            }
        }

        var unreachable = Consume(_unreachable, w => w is null || w(request));
        var interruption = _interruptions.FindIndex(i => i.When is null || i.When(request));
        int? vanishAfter = null;
        if (interruption >= 0)
        {
            vanishAfter = _interruptions[interruption].AfterRunningDescribes;
            _interruptions.RemoveAt(interruption);
        }

        var reservation = NewId("r");
        var clientToken = request["ClientToken"] ?? Guid.NewGuid().ToString();
        var now = DateTime.UtcNow;
        var launched = new List<FakeInstance>();
        for (var n = 0; n < max; n++)
        {
            var id = NewId("i");
            FakeMachine machine;
            try
            {
                machine = _machines.Acquire(new FakeMachineRequest(id, type.Name, key?.PublicKey, userDataText, unreachable));
            }
            catch (FakeCapacityException) when (launched.Count >= min)
            {
                break;
            }
            catch (FakeCapacityException)
            {
                foreach (var instance in launched)
                {
                    _machines.Release(instance.Machine);
                }

                throw new FakeEc2Error("InsufficientInstanceCapacity", $"We currently do not have sufficient {type.Name} capacity in the Availability Zone you requested ({zone}). Our system will be working on provisioning additional capacity.");
            }

            launched.Add(new FakeInstance
            {
                Id = id,
                Region = request.Region,
                ReservationId = reservation,
                ImageId = imageId,
                InstanceType = type.Name,
                AvailabilityZone = zone,
                SubnetId = subnetId,
                VpcId = VpcId(request.Region),
                KeyName = key?.Name,
                SecurityGroupIds = groups,
                Spot = request["InstanceMarketOptions.MarketType"] == "spot",
                ClientToken = clientToken,
                PlacementGroup = placementGroup,
                Tags = request.Parameters.TagsFor("instance"),
                UserData = userData,
                LaunchTime = now,
                Machine = machine,
                HasPublicIp = network?["AssociatePublicIpAddress"] != "false",
                State = FakeInstanceState.Pending,
                VanishAfterRunningDescribes = vanishAfter,
                Unreachable = unreachable,
            });
        }

        foreach (var instance in launched)
        {
            _instances.Add(instance.Id, instance);
        }

        return launched;
    }

    private static int Count(Ec2Request request, string name)
    {
        var text = Required(request, name);
        return int.TryParse(text, CultureInfo.InvariantCulture, out var count) && count >= 1
            ? count
            : throw new FakeEc2Error("InvalidParameterValue", $"Value ({text}) for parameter {name} is invalid.");
    }

    private static bool Consume(List<Func<Ec2Request, bool>?> pending, Predicate<Func<Ec2Request, bool>?> matches)
    {
        var index = pending.FindIndex(matches);
        if (index < 0)
        {
            return false;
        }

        pending.RemoveAt(index);
        return true;
    }

    /// <summary>The subnet and zone of a launch: the subnet's zone, else <c>Placement.AvailabilityZone</c>, else the first zone offering the type.</summary>
    private (string SubnetId, string Zone) Placement(Ec2Request request, string? subnetId, FakeInstanceType type)
    {
        var zones = Zones(request.Region).ToList();
        var offered = zones.Where(z => type.ZoneLetters.Contains(z.Letter, StringComparison.Ordinal)).ToList();
        (string Name, string Id, char Letter) zone;
        if (subnetId is not null)
        {
            zone = zones.FirstOrDefault(z => SubnetId(request.Region, z.Letter) == subnetId);
            if (zone.Name is null)
            {
                throw new FakeEc2Error("InvalidSubnetID.NotFound", $"The subnet ID '{subnetId}' does not exist");
            }
        }
        else if (request["Placement.AvailabilityZone"] is { Length: > 0 } asked)
        {
            zone = zones.FirstOrDefault(z => z.Name == asked);
            if (zone.Name is null)
            {
                throw new FakeEc2Error("InvalidParameterValue", $"Invalid availability zone: [{asked}]");
            }
        }
        else
        {
            zone = offered[0];
        }

        if (!offered.Contains(zone))
        {
            throw new FakeEc2Error("Unsupported", $"Your requested instance type ({type.Name}) is not supported in your requested Availability Zone ({zone.Name}). Please retry your request by not specifying an Availability Zone or choosing {string.Join(", ", offered.Select(z => z.Name))}.");
        }

        return (SubnetId(request.Region, zone.Letter), zone.Name);
    }

    /// <summary>The groups of <c>SecurityGroupId.N</c>, <c>SecurityGroup.N</c> (names) and the network interface's, else the default group.</summary>
    private List<string> SecurityGroupsOf(Ec2Request request, Ec2Parameters? network)
    {
        var groups = GroupsIn(request.Region);
        var ids = request.Parameters.List("SecurityGroupId").Concat(network?.List("SecurityGroupId") ?? []).ToList();
        foreach (var id in ids.Where(id => groups.All(g => g.Id != id)))
        {
            throw new FakeEc2Error("InvalidGroup.NotFound", $"The security group '{id}' does not exist");
        }

        foreach (var name in request.Parameters.List("SecurityGroup"))
        {
            ids.Add(groups.FirstOrDefault(g => g.Name == name)?.Id ?? throw new FakeEc2Error("InvalidGroup.NotFound", $"The security group '{name}' does not exist in default VPC '{VpcId(request.Region)}'"));
        }

        return ids.Count > 0 ? [.. ids.Distinct()] : [groups.Single(g => g.Name == "default").Id];
    }

    // DescribeInstances: <reservationSet><item><reservationId/><ownerId/><groupSet/><instancesSet/></item>
    // </reservationSet> (API reference, DescribeInstances and Reservation). Each describe is a tick of the clock for
    // the instances it names (all of the region without InstanceId.N).
    private IEnumerable<object?> DescribeInstances(Ec2Request request)
    {
        var ids = request.Parameters.List("InstanceId");
        var asked = Find(request.Region, ids);
        foreach (var instance in asked)
        {
            _instances[instance.Id] = Advance(instance);
        }

        var filters = request.Parameters.Filters();
        var shown = asked.Select(i => _instances[i.Id]).Where(i => Passes(filters, i.Tags, f => InstanceField(i, f))).ToList();
        yield return Set("reservationSet", shown.GroupBy(i => i.ReservationId).Select(r => new object?[]
        {
            E("reservationId", r.Key), E("ownerId", AccountId), E("groupSet"), Set("instancesSet", r.Select(InstanceXml)),
        }));
    }

    /// <summary>The instances of <paramref name="region"/> with <paramref name="ids"/> (all without ids), or EC2's not-found errors.</summary>
    private List<FakeInstance> Find(string region, IReadOnlyList<string> ids)
    {
        if (ids.FirstOrDefault(id => !InstanceIdShape.IsMatch(id)) is { } malformed)
        {
            throw new FakeEc2Error("InvalidInstanceID.Malformed", $"Invalid id: \"{malformed}\"");
        }

        var missing = ids.Where(id => !_instances.TryGetValue(id, out var i) || i.Region != region).ToList();
        if (missing.Count == 1)
        {
            throw new FakeEc2Error("InvalidInstanceID.NotFound", $"The instance ID '{missing[0]}' does not exist");
        }

        if (missing.Count > 1)
        {
            throw new FakeEc2Error("InvalidInstanceID.NotFound", $"The instance IDs '{string.Join(", ", missing)}' do not exist");
        }

        return [.. _instances.Values.Where(i => i.Region == region && (ids.Count == 0 || ids.Contains(i.Id))).OrderBy(i => i.LaunchTime).ThenBy(i => i.Id, StringComparer.Ordinal)];
    }

    /// <summary>One tick: pending becomes running, shutting-down becomes terminated, an instance due to vanish is interrupted.</summary>
    private FakeInstance Advance(FakeInstance instance)
    {
        var next = instance with { Describes = instance.Describes + 1 };
        if (next.State == FakeInstanceState.Pending && next.Describes > PendingDescribes)
        {
            next = next with { State = FakeInstanceState.Running, Describes = 1 };
        }
        else if (next.State == FakeInstanceState.ShuttingDown && next.Describes > ShuttingDownDescribes)
        {
            next = next with { State = FakeInstanceState.Terminated, Describes = 1 };
        }

        if (next.State == FakeInstanceState.Running && next.Describes > next.VanishAfterRunningDescribes)
        {
            next = Release(next) with { State = FakeInstanceState.Terminated, StateReason = SpotTermination, Describes = 1 };
        }

        return next;
    }

    private static IEnumerable<string>? InstanceField(FakeInstance instance, string filter) => filter switch
    {
        "instance-id" => [instance.Id],
        "instance-state-name" => [StateName(instance.State)],
        "instance-state-code" => [((int)instance.State).ToString(CultureInfo.InvariantCulture)],
        "instance-type" => [instance.InstanceType],
        "availability-zone" => [instance.AvailabilityZone],
        "image-id" => [instance.ImageId],
        "key-name" => instance.KeyName is null ? [] : [instance.KeyName],
        "client-token" => [instance.ClientToken],
        "instance-lifecycle" => instance.Spot ? ["spot"] : [],
        "vpc-id" => [instance.VpcId],
        "subnet-id" => [instance.SubnetId],
        "reservation-id" => [instance.ReservationId],
        "placement-group-name" => instance.PlacementGroup is null ? [] : [instance.PlacementGroup],
        "instance.group-id" => instance.SecurityGroupIds,
        "private-ip-address" => instance.State == FakeInstanceState.Terminated ? [] : [instance.Machine.PrivateIpAddress],
        "ip-address" => instance.State == FakeInstanceState.Terminated || !instance.HasPublicIp ? [] : [instance.Machine.PublicIpAddress],
        _ => null,
    };

    private static string StateName(FakeInstanceState state) => state switch
    {
        FakeInstanceState.Pending => "pending",
        FakeInstanceState.Running => "running",
        FakeInstanceState.ShuttingDown => "shutting-down",
        _ => "terminated",
    };

    private static XmlState State(string element, FakeInstanceState state) => new(element, state);

    /// <summary><c>&lt;element&gt;&lt;code/&gt;&lt;name/&gt;&lt;/element&gt;</c> (API reference, <c>InstanceState</c>).</summary>
    private readonly record struct XmlState(string Element, FakeInstanceState Value)
    {
        public System.Xml.Linq.XElement ToXml() => E(Element, E("code", (int)Value), E("name", StateName(Value)));
    }

    // Instance (API reference, Instance data type), in the order of the RunInstances response example.
    private object?[] InstanceXml(FakeInstance i)
    {
        var addressed = i.State != FakeInstanceState.Terminated;
        var publicIp = addressed && i.HasPublicIp ? i.Machine.PublicIpAddress : null;
        var privateIp = addressed ? i.Machine.PrivateIpAddress : null;
        var groups = _groups;
        return
        [
            E("instanceId", i.Id),
            E("imageId", i.ImageId),
            State("instanceState", i.State).ToXml(),
            E("privateDnsName", privateIp is null ? string.Empty : $"ip-{privateIp.Replace('.', '-')}.{i.Region}.compute.internal"),
            E("dnsName", publicIp is null ? string.Empty : $"ec2-{publicIp.Replace('.', '-')}.{i.Region}.compute.amazonaws.com"),
            E("reason", i.StateReason is null ? string.Empty : $"{i.StateReason} ({i.LaunchTime:yyyy-MM-dd HH:mm:ss} GMT)"),
            Optional("keyName", i.KeyName),
            E("amiLaunchIndex", 0),
            E("productCodes"),
            E("instanceType", i.InstanceType),
            E("launchTime", i.LaunchTime),
            E("placement", E("availabilityZone", i.AvailabilityZone), E("groupName", i.PlacementGroup ?? string.Empty), E("tenancy", "default")),
            E("monitoring", E("state", "disabled")),
            E("subnetId", i.SubnetId),
            E("vpcId", i.VpcId),
            Optional("privateIpAddress", privateIp),
            Optional("ipAddress", publicIp),
            E("sourceDestCheck", "true"),
            Set("groupSet", i.SecurityGroupIds.Select(g => new object?[] { E("groupId", g), E("groupName", groups.TryGetValue(g, out var group) ? group.Name : g) })),
            i.StateReason is null ? null : E("stateReason", E("code", i.StateReason), E("message", i.StateReason == SpotTermination ? $"{SpotTermination}: Spot instance termination" : $"{UserShutdown}: User initiated shutdown")),
            E("architecture", "x86_64"),
            E("rootDeviceType", "ebs"),
            E("rootDeviceName", "/dev/sda1"),
            E("blockDeviceMapping"),
            i.Spot ? E("instanceLifecycle", "spot") : null,
            i.Spot ? E("spotInstanceRequestId", "sir-" + i.Id[2..]) : null,
            E("virtualizationType", "hvm"),
            E("clientToken", i.ClientToken),
            TagSet(i.Tags),
            E("hypervisor", "xen"),
            E("networkInterfaceSet"),
            E("ebsOptimized", "false"),
            E("enaSupport", "true"),
        ];
    }

    // TerminateInstances: <instancesSet><item><instanceId/><currentState/><previousState/></item></instancesSet>
    // (API reference, TerminateInstances and InstanceStateChange). Terminating a terminated instance changes nothing.
    private IEnumerable<object?> TerminateInstances(Ec2Request request)
    {
        var ids = request.Parameters.List("InstanceId");
        if (ids.Count == 0)
        {
            throw new FakeEc2Error("MissingParameter", "The request must contain the parameter InstanceId");
        }

        var changes = new List<(string Id, FakeInstanceState Previous, FakeInstanceState Current)>();
        foreach (var instance in Find(request.Region, ids))
        {
            var next = instance;
            if (instance.State is FakeInstanceState.Pending or FakeInstanceState.Running)
            {
                next = Release(instance) with
                {
                    State = ShuttingDownDescribes == 0 ? FakeInstanceState.Terminated : FakeInstanceState.ShuttingDown,
                    StateReason = UserShutdown,
                    Describes = 0,
                };
            }

            _instances[instance.Id] = next;
            changes.Add((instance.Id, instance.State, next.State));
        }

        yield return Set("instancesSet", changes.Select(c => new object?[]
        {
            E("instanceId", c.Id), State("currentState", c.Current).ToXml(), State("previousState", c.Previous).ToXml(),
        }));
    }

    // CreateTags: <return>true</return> (API reference, CreateTags). Takes ResourceId.N and Tag.N.Key/Value; tags
    // instances and security groups.
    private IEnumerable<object?> CreateTags(Ec2Request request)
    {
        var resources = request.Parameters.List("ResourceId");
        if (resources.Count == 0)
        {
            throw new FakeEc2Error("MissingParameter", "The request must contain the parameter ResourceId");
        }

        var tags = request.Parameters.Structures("Tag").ToDictionary(t => t["Key"] ?? string.Empty, t => t["Value"] ?? string.Empty, StringComparer.Ordinal);
        var instances = Find(request.Region, [.. resources.Where(r => r.StartsWith("i-", StringComparison.Ordinal))]);
        var groups = GroupsIn(request.Region);
        foreach (var resource in resources.Where(r => !r.StartsWith("i-", StringComparison.Ordinal)))
        {
            if (!resource.StartsWith("sg-", StringComparison.Ordinal))
            {
                throw new FakeEc2Error("InvalidID", $"The ID '{resource}' is not valid");
            }

            if (groups.All(g => g.Id != resource))
            {
                throw new FakeEc2Error("InvalidGroup.NotFound", $"The security group '{resource}' does not exist");
            }
        }

        foreach (var instance in instances.Where(i => resources.Contains(i.Id)))
        {
            _instances[instance.Id] = instance with { Tags = Merge(instance.Tags, tags) };
        }

        foreach (var group in groups.Where(g => resources.Contains(g.Id)))
        {
            _groups[group.Id] = group with { Tags = Merge(group.Tags, tags) };
        }

        yield return E("return", "true");
    }

    private static Dictionary<string, string> Merge(IReadOnlyDictionary<string, string> before, Dictionary<string, string> added)
    {
        var merged = before.ToDictionary(StringComparer.Ordinal);
        foreach (var (key, value) in added)
        {
            merged[key] = value;
        }

        return merged;
    }
}
