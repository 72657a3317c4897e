using System.Security.Cryptography;
using System.Text;
using static Dstack.Runtime.Tests.Aws.Fake.Ec2Xml;

namespace Dstack.Runtime.Tests.Aws.Fake;

/// <summary>
/// Key pairs, security groups and placement groups, per region. Element names are those of the EC2 API reference
/// (ImportKeyPair, <c>KeyPairInfo</c>, CreateSecurityGroup, <c>SecurityGroup</c>, <c>IpPermission</c>,
/// AuthorizeSecurityGroupIngress, <c>SecurityGroupRule</c>, CreatePlacementGroup, <c>PlacementGroup</c>,
/// DeletePlacementGroup).
/// </summary>
public sealed partial class FakeEc2
{
    private readonly Dictionary<(string Region, string Name), FakeKeyPair> _keyPairs = [];
    private readonly Dictionary<string, FakeSecurityGroup> _groups = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Region, string Name), FakePlacementGroup> _placementGroups = [];

    /// <summary>Every key pair imported so far, in every region.</summary>
    public IReadOnlyList<FakeKeyPair> KeyPairs
    {
        get
        {
            lock (_gate)
            {
                return [.. _keyPairs.Values.OrderBy(k => k.Created)];
            }
        }
    }

    /// <summary>Every security group, the default groups of regions that were asked about included.</summary>
    public IReadOnlyList<FakeSecurityGroup> SecurityGroups
    {
        get
        {
            lock (_gate)
            {
                return [.. _groups.Values];
            }
        }
    }

    /// <summary>Every placement group made so far.</summary>
    public IReadOnlyList<FakePlacementGroup> PlacementGroups
    {
        get
        {
            lock (_gate)
            {
                return [.. _placementGroups.Values];
            }
        }
    }

    private static string Required(Ec2Request request, string name) =>
        request[name] is { Length: > 0 } value ? value : throw new FakeEc2Error("MissingParameter", $"The request must contain the parameter {name}");

    // ImportKeyPair: <keyFingerprint/><keyName/><keyPairId/><tagSet/> (API reference, ImportKeyPair). PublicKeyMaterial
    // is a base64 blob on the wire: the base64 of the OpenSSH public key line (the SDK does not encode it).
    private IEnumerable<object?> ImportKeyPair(Ec2Request request)
    {
        var name = Required(request, "KeyName");
        var material = Required(request, "PublicKeyMaterial");
        string line;
        byte[] blob;
        try
        {
            line = Encoding.UTF8.GetString(Convert.FromBase64String(material)).Trim();
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            blob = parts.Length >= 2 && parts[0] is "ssh-ed25519" or "ssh-rsa" ? Convert.FromBase64String(parts[1]) : throw new FormatException(line);
        }
        catch (FormatException)
        {
            throw new FakeEc2Error("InvalidKey.Format", "Key is not in valid OpenSSH public key format");
        }

        if (_keyPairs.ContainsKey((request.Region, name)))
        {
            throw new FakeEc2Error("InvalidKeyPair.Duplicate", $"The keypair '{name}' already exists.");
        }

        var key = new FakeKeyPair(NewId("key"), request.Region, name, line, line.StartsWith("ssh-rsa", StringComparison.Ordinal) ? "rsa" : "ed25519",
            Convert.ToBase64String(SHA256.HashData(blob)).TrimEnd('='), request.Parameters.TagsFor("key-pair"), DateTime.UtcNow);
        _keyPairs.Add((request.Region, name), key);
        yield return E("keyFingerprint", key.Fingerprint);
        yield return E("keyName", key.Name);
        yield return E("keyPairId", key.Id);
        yield return TagSet(key.Tags);
    }

    // DescribeKeyPairs: <keySet><item><keyPairId/><keyFingerprint/><keyName/><keyType/><tagSet/><publicKey/>
    // <createTime/></item></keySet> (API reference, DescribeKeyPairs and KeyPairInfo); publicKey only with
    // IncludePublicKey=true.
    private IEnumerable<object?> DescribeKeyPairs(Ec2Request request)
    {
        var names = request.Parameters.List("KeyName");
        var ids = request.Parameters.List("KeyPairId");
        var keys = _keyPairs.Values.Where(k => k.Region == request.Region).ToList();
        var missing = names.FirstOrDefault(n => keys.All(k => k.Name != n)) ?? ids.FirstOrDefault(i => keys.All(k => k.Id != i));
        if (missing is not null)
        {
            throw new FakeEc2Error("InvalidKeyPair.NotFound", $"The key pair '{missing}' does not exist");
        }

        var withKey = request["IncludePublicKey"] == "true";
        var filters = request.Parameters.Filters();
        var shown = keys.Where(k => (names.Count == 0 || names.Contains(k.Name)) && (ids.Count == 0 || ids.Contains(k.Id)) && Passes(filters, k.Tags, f => f switch
        {
            "key-name" => [k.Name],
            "key-pair-id" => [k.Id],
            "fingerprint" => [k.Fingerprint],
            "key-type" => [k.KeyType],
            _ => null,
        }));
        yield return Set("keySet", shown.OrderBy(k => k.Created).Select(k => new object?[]
        {
            E("keyPairId", k.Id), E("keyFingerprint", k.Fingerprint), E("keyName", k.Name), E("keyType", k.KeyType),
            TagSet(k.Tags), withKey ? E("publicKey", k.PublicKey) : null, E("createTime", k.Created),
        }));
    }

    /// <summary>The groups of <paramref name="region"/>, its VPC's <c>default</c> group made on first use.</summary>
    private List<FakeSecurityGroup> GroupsIn(string region)
    {
        if (!_groups.Values.Any(g => g.Region == region && g.Name == "default"))
        {
            var group = new FakeSecurityGroup(NewId("sg"), region, "default", "default VPC security group", VpcId(region), new Dictionary<string, string>());
            _groups.Add(group.Id, group);
        }

        return [.. _groups.Values.Where(g => g.Region == region)];
    }

    // CreateSecurityGroup: <return>true</return><groupId/><tagSet/> (API reference, CreateSecurityGroup).
    private IEnumerable<object?> CreateSecurityGroup(Ec2Request request)
    {
        var name = Required(request, "GroupName");
        var description = Required(request, "GroupDescription");
        var vpc = request["VpcId"] ?? VpcId(request.Region);
        if (vpc != VpcId(request.Region))
        {
            throw new FakeEc2Error("InvalidVpcID.NotFound", $"The vpc ID '{vpc}' does not exist");
        }

        if (GroupsIn(request.Region).Any(g => g.Name == name && g.VpcId == vpc))
        {
            throw new FakeEc2Error("InvalidGroup.Duplicate", $"The security group '{name}' already exists for VPC '{vpc}'");
        }

        var group = new FakeSecurityGroup(NewId("sg"), request.Region, name, description, vpc, request.Parameters.TagsFor("security-group"));
        _groups.Add(group.Id, group);
        yield return E("return", "true");
        yield return E("groupId", group.Id);
        yield return TagSet(group.Tags);
    }

    // DescribeSecurityGroups: <securityGroupInfo><item><ownerId/><groupId/><groupName/><groupDescription/><vpcId/>
    // <ipPermissions/><ipPermissionsEgress/><tagSet/></item></securityGroupInfo>; an IpPermission is <ipProtocol/>
    // <fromPort/><toPort/><groups/><ipRanges><item><cidrIp/></item></ipRanges><ipv6Ranges/><prefixListIds/>
    // (API reference, DescribeSecurityGroups, SecurityGroup, IpPermission, IpRange).
    private IEnumerable<object?> DescribeSecurityGroups(Ec2Request request)
    {
        var ids = request.Parameters.List("GroupId");
        var names = request.Parameters.List("GroupName");
        var groups = GroupsIn(request.Region);
        if (ids.FirstOrDefault(i => groups.All(g => g.Id != i)) is { } missingId)
        {
            throw new FakeEc2Error("InvalidGroup.NotFound", $"The security group '{missingId}' does not exist");
        }

        if (names.FirstOrDefault(n => groups.All(g => g.Name != n)) is { } missingName)
        {
            throw new FakeEc2Error("InvalidGroup.NotFound", $"The security group '{missingName}' does not exist in default VPC '{VpcId(request.Region)}'");
        }

        var filters = request.Parameters.Filters();
        var shown = groups.Where(g => (ids.Count == 0 || ids.Contains(g.Id)) && (names.Count == 0 || names.Contains(g.Name)) && Passes(filters, g.Tags, f => f switch
        {
            "group-id" => [g.Id],
            "group-name" => [g.Name],
            "vpc-id" => [g.VpcId],
            "description" => [g.Description],
            "owner-id" => [AccountId],
            _ => null,
        }));
        yield return Set("securityGroupInfo", shown.Select(g => new object?[]
        {
            E("ownerId", AccountId), E("groupId", g.Id), E("groupName", g.Name), E("groupDescription", g.Description), E("vpcId", g.VpcId),
            Set("ipPermissions", g.Ingress.GroupBy(r => (r.Protocol, r.FromPort, r.ToPort)).Select(p => Permission(p.Key.Protocol, p.Key.FromPort, p.Key.ToPort, p.Select(r => r.CidrIp)))),
            Set("ipPermissionsEgress", [Permission("-1", -1, -1, ["0.0.0.0/0"])]),
            TagSet(g.Tags),
        }));
    }

    private static object?[] Permission(string protocol, int from, int to, IEnumerable<string> cidrs) =>
    [
        E("ipProtocol", protocol),
        protocol == "-1" ? null : E("fromPort", from),
        protocol == "-1" ? null : E("toPort", to),
        E("groups"),
        Set("ipRanges", cidrs.Select(c => new object?[] { E("cidrIp", c) })),
        E("ipv6Ranges"),
        E("prefixListIds"),
    ];

    // AuthorizeSecurityGroupIngress: <return>true</return><securityGroupRuleSet><item><securityGroupRuleId/><groupId/>
    // <groupOwnerId/><isEgress/><ipProtocol/><fromPort/><toPort/><cidrIpv4/></item></securityGroupRuleSet> (API
    // reference, AuthorizeSecurityGroupIngress and SecurityGroupRule). Takes IpPermissions.N (IpProtocol, FromPort,
    // ToPort, IpRanges.M.CidrIp) or the flat IpProtocol, FromPort, ToPort, CidrIp.
    private IEnumerable<object?> AuthorizeSecurityGroupIngress(Ec2Request request)
    {
        var groups = GroupsIn(request.Region);
        var group = request["GroupId"] is { } id
            ? groups.FirstOrDefault(g => g.Id == id) ?? throw new FakeEc2Error("InvalidGroup.NotFound", $"The security group '{id}' does not exist")
            : groups.FirstOrDefault(g => g.Name == Required(request, "GroupName"))
                ?? throw new FakeEc2Error("InvalidGroup.NotFound", $"The security group '{request["GroupName"]}' does not exist in default VPC '{VpcId(request.Region)}'");
        var asked = new List<(string Protocol, int From, int To, string Cidr)>();
        foreach (var permission in request.Parameters.Structures("IpPermissions"))
        {
            foreach (var range in permission.Structures("IpRanges"))
            {
                asked.Add((permission["IpProtocol"] ?? "-1", Port(permission["FromPort"]), Port(permission["ToPort"]), range["CidrIp"] ?? "0.0.0.0/0"));
            }
        }

        if (request["CidrIp"] is { } flat)
        {
            asked.Add((request["IpProtocol"] ?? "-1", Port(request["FromPort"]), Port(request["ToPort"]), flat));
        }

        var rules = group.Ingress.ToList();
        var added = new List<FakeIngressRule>();
        foreach (var (protocol, from, to, cidr) in asked)
        {
            if (rules.Any(r => r.Protocol == protocol && r.FromPort == from && r.ToPort == to && r.CidrIp == cidr))
            {
                throw new FakeEc2Error("InvalidPermission.Duplicate", $"the specified rule \"peer: {cidr}, {protocol.ToUpperInvariant()}, from port: {from}, to port: {to}, ALLOW\" already exists");
            }

            var rule = new FakeIngressRule(NewId("sgr"), protocol, from, to, cidr);
            rules.Add(rule);
            added.Add(rule);
        }

        _groups[group.Id] = group with { Ingress = rules };
        yield return E("return", "true");
        yield return Set("securityGroupRuleSet", added.Select(r => new object?[]
        {
            E("securityGroupRuleId", r.RuleId), E("groupId", group.Id), E("groupOwnerId", AccountId), E("isEgress", "false"),
            E("ipProtocol", r.Protocol), E("fromPort", r.FromPort), E("toPort", r.ToPort), E("cidrIpv4", r.CidrIp),
        }));
    }

    private static int Port(string? text) =>
        text is null ? -1 : int.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var port) ? port : throw new FakeEc2Error("InvalidParameterValue", $"Invalid value '{text}' for port.");

    // CreatePlacementGroup: <return>true</return><placementGroup><groupName/><state/><strategy/><groupId/><groupArn/>
    // <tagSet/></placementGroup> (API reference, CreatePlacementGroup and PlacementGroup).
    private IEnumerable<object?> CreatePlacementGroup(Ec2Request request)
    {
        var name = Required(request, "GroupName");
        var strategy = request["Strategy"] ?? "cluster";
        if (strategy is not ("cluster" or "spread" or "partition"))
        {
            throw new FakeEc2Error("InvalidParameterValue", $"Invalid value '{strategy}' for strategy.");
        }

        if (_placementGroups.ContainsKey((request.Region, name)))
        {
            throw new FakeEc2Error("InvalidPlacementGroup.Duplicate", $"The Placement Group '{name}' already exists.");
        }

        var group = new FakePlacementGroup(NewId("pg"), request.Region, name, strategy, request.Parameters.TagsFor("placement-group"));
        _placementGroups.Add((request.Region, name), group);
        yield return E("return", "true");
        yield return E("placementGroup", E("groupName", name), E("state", "available"), E("strategy", strategy), E("groupId", group.Id),
            E("groupArn", $"arn:aws:ec2:{request.Region}:{AccountId}:placement-group/{name}"), TagSet(group.Tags));
    }

    // DeletePlacementGroup: <return>true</return> (API reference, DeletePlacementGroup). EC2 refuses a group that still
    // holds an instance that is not terminated (shutting-down included) with InvalidPlacementGroup.InUse.
    private IEnumerable<object?> DeletePlacementGroup(Ec2Request request)
    {
        var name = Required(request, "GroupName");
        if (!_placementGroups.ContainsKey((request.Region, name)))
        {
            throw new FakeEc2Error("InvalidPlacementGroup.Unknown", $"The Placement Group '{name}' is unknown.");
        }

        if (_instances.Values.Any(i => i.Region == request.Region && i.PlacementGroup == name && i.State != FakeInstanceState.Terminated))
        {
            throw new FakeEc2Error("InvalidPlacementGroup.InUse", $"The placement group '{name}' is in use and may not be deleted.");
        }

        _placementGroups.Remove((request.Region, name));
        yield return E("return", "true");
    }
}
