using System.Globalization;
using static Dstack.Runtime.Tests.Aws.Fake.Ec2Xml;

namespace Dstack.Runtime.Tests.Aws.Fake;

/// <summary>
/// What does not change: regions, zones, instance types and where they are offered, spot prices, images, and each
/// region's default VPC with one default subnet per zone. Element names are those of the EC2 API reference's data
/// types (<c>RegionInfo</c> → <c>Region</c>, <c>AvailabilityZone</c>, <c>InstanceTypeInfo</c>, <c>InstanceTypeOffering</c>,
/// <c>SpotPrice</c>, <c>Image</c>, <c>Vpc</c>, <c>Subnet</c>), as the SDK's unmarshallers of ec2-2016-11-15 read them.
/// </summary>
public sealed partial class FakeEc2
{
    private const string VpcCidr = "172.31.0.0/16";
    private const string ZoneLetters = "abc";

    /// <summary>The zones of <paramref name="region"/>: name, id (e.g. <c>use1-az1</c>) and letter.</summary>
    private static IEnumerable<(string Name, string Id, char Letter)> Zones(string region)
    {
        var parts = region.Split('-');
        var code = parts.Length == 3 ? parts[0] + parts[1][0] + parts[2] : region;
        return ZoneLetters.Select((letter, i) => (region + letter, $"{code}-az{i + 1}", letter));
    }

    private string VpcId(string region) => $"vpc-{Regions.ToList().IndexOf(region) + 1:x17}";

    private string SubnetId(string region, char letter) => $"subnet-{((Regions.ToList().IndexOf(region) + 1) * 16) + ZoneLetters.IndexOf(letter, StringComparison.Ordinal) + 1:x17}";

    private static string SubnetCidr(char letter) => $"172.31.{ZoneLetters.IndexOf(letter, StringComparison.Ordinal) * 16}.0/20";

    // DescribeRegions: <regionInfo><item><regionName/><regionEndpoint/><optInStatus/></item></regionInfo>
    // (API reference, DescribeRegions response elements and the Region data type).
    private IEnumerable<object?> DescribeRegions(Ec2Request request)
    {
        var names = request.Parameters.List("RegionName");
        var filters = request.Parameters.Filters();
        var regions = Regions.Where(r => (names.Count == 0 || names.Contains(r)) && Passes(filters, null, f => f switch
        {
            "region-name" => [r],
            "endpoint" => [$"ec2.{r}.amazonaws.com"],
            "opt-in-status" => ["opt-in-not-required"],
            _ => null,
        }));
        yield return Set("regionInfo", regions.Select(r => new object?[]
        {
            E("regionName", r), E("regionEndpoint", $"ec2.{r}.amazonaws.com"), E("optInStatus", "opt-in-not-required"),
        }));
    }

    // DescribeAvailabilityZones: <availabilityZoneInfo><item><zoneName/><zoneState/><regionName/><zoneId/><zoneType/>
    // <optInStatus/><groupName/><networkBorderGroup/><messageSet/></item></availabilityZoneInfo>
    // (API reference, DescribeAvailabilityZones and the AvailabilityZone data type).
    private IEnumerable<object?> DescribeAvailabilityZones(Ec2Request request)
    {
        var names = request.Parameters.List("ZoneName");
        var ids = request.Parameters.List("ZoneId");
        var filters = request.Parameters.Filters();
        var zones = Zones(request.Region).Where(z => (names.Count == 0 || names.Contains(z.Name)) && (ids.Count == 0 || ids.Contains(z.Id)) && Passes(filters, null, f => f switch
        {
            "zone-name" => [z.Name],
            "zone-id" => [z.Id],
            "state" => ["available"],
            "region-name" => [request.Region],
            "zone-type" => ["availability-zone"],
            _ => null,
        }));
        yield return Set("availabilityZoneInfo", zones.Select(z => new object?[]
        {
            E("zoneName", z.Name), E("zoneState", "available"), E("regionName", request.Region), E("zoneId", z.Id),
            E("zoneType", "availability-zone"), E("optInStatus", "opt-in-not-required"), E("groupName", request.Region),
            E("networkBorderGroup", request.Region), E("messageSet"),
        }));
    }

    // DescribeInstanceTypes: <instanceTypeSet><item> with the InstanceTypeInfo members: instanceType, currentGeneration,
    // supportedUsageClasses, supportedRootDeviceTypes, supportedVirtualizationTypes, bareMetal, hypervisor,
    // processorInfo, vCpuInfo, memoryInfo, instanceStorageSupported, instanceStorageInfo (totalSizeInGB, disks,
    // nvmeSupport), gpuInfo (gpus of GpuDeviceInfo: name, manufacturer, count, memoryInfo.sizeInMiB;
    // totalGpuMemoryInMiB) (API reference, InstanceTypeInfo, GpuInfo, GpuDeviceInfo, InstanceStorageInfo, DiskInfo).
    // EC2 has no GPU filter here: clients filter on gpuInfo themselves.
    private IEnumerable<object?> DescribeInstanceTypes(Ec2Request request)
    {
        var names = request.Parameters.List("InstanceType");
        var unknown = names.Where(n => InstanceTypes.All(t => t.Name != n)).ToList();
        if (unknown.Count > 0)
        {
            throw new FakeEc2Error("InvalidInstanceType", $"The following supplied instance types do not exist: [{string.Join(", ", unknown)}]");
        }

        var filters = request.Parameters.Filters();
        var types = InstanceTypes.Where(t => t.OfferedIn(request.Region) && (names.Count == 0 || names.Contains(t.Name)) && Passes(filters, null, f => f switch
        {
            "instance-type" => [t.Name],
            "current-generation" => ["true"],
            "processor-info.supported-architecture" => ["x86_64"],
            "instance-storage-supported" => [Bool(t.DiskCount > 0)],
            "vcpu-info.default-vcpus" => [t.VCpus.ToString(CultureInfo.InvariantCulture)],
            "memory-info.size-in-mib" => [t.MemoryMiB.ToString(CultureInfo.InvariantCulture)],
            _ => null,
        }));
        var (page, next) = Page(types, request);
        yield return Set("instanceTypeSet", page.Select(InstanceTypeInfo));
        yield return Optional("nextToken", next);
    }

    private static object?[] InstanceTypeInfo(FakeInstanceType type) =>
    [
        E("instanceType", type.Name),
        E("currentGeneration", "true"),
        E("freeTierEligible", "false"),
        Values("supportedUsageClasses", ["on-demand", "spot"]),
        Values("supportedRootDeviceTypes", ["ebs"]),
        Values("supportedVirtualizationTypes", ["hvm"]),
        E("bareMetal", "false"),
        E("hypervisor", "nitro"),
        E("processorInfo", Values("supportedArchitectures", ["x86_64"])),
        E("vCpuInfo", E("defaultVCpus", type.VCpus), E("defaultCores", Math.Max(1, type.VCpus / 2)), E("defaultThreadsPerCore", type.VCpus > 1 ? 2 : 1)),
        E("memoryInfo", E("sizeInMiB", type.MemoryMiB)),
        E("instanceStorageSupported", Bool(type.DiskCount > 0)),
        type.DiskCount == 0 ? null : E("instanceStorageInfo",
            E("totalSizeInGB", type.DiskCount * type.DiskSizeGB),
            Set("disks", [[E("sizeInGB", type.DiskSizeGB), E("count", type.DiskCount), E("type", "ssd")]]),
            E("nvmeSupport", "required")),
        type.Gpu is not { } gpu ? null : E("gpuInfo",
            Set("gpus", [[E("name", gpu.Name), E("manufacturer", gpu.Manufacturer), E("count", gpu.Count), E("memoryInfo", E("sizeInMiB", gpu.MemoryMiB))]]),
            E("totalGpuMemoryInMiB", gpu.Count * gpu.MemoryMiB)),
    ];

    // DescribeInstanceTypeOfferings: <instanceTypeOfferingSet><item><instanceType/><locationType/><location/></item>
    // (API reference, DescribeInstanceTypeOfferings and InstanceTypeOffering). LocationType defaults to region.
    private IEnumerable<object?> DescribeInstanceTypeOfferings(Ec2Request request)
    {
        var locationType = request["LocationType"] ?? "region";
        var filters = request.Parameters.Filters();
        var zones = Zones(request.Region).ToList();
        var offerings = InstanceTypes.Where(t => t.OfferedIn(request.Region)).SelectMany(t => locationType switch
        {
            "region" => [(Type: t.Name, Location: request.Region)],
            "availability-zone" => zones.Where(z => t.ZoneLetters.Contains(z.Letter, StringComparison.Ordinal)).Select(z => (Type: t.Name, Location: z.Name)),
            "availability-zone-id" => zones.Where(z => t.ZoneLetters.Contains(z.Letter, StringComparison.Ordinal)).Select(z => (Type: t.Name, Location: z.Id)),
            _ => throw new FakeEc2Error("InvalidParameterValue", $"Value ({locationType}) for parameter locationType is invalid."),
        }).Where(o => Passes(filters, null, f => f switch
        {
            "instance-type" => [o.Type],
            "location" => [o.Location],
            _ => null,
        }));
        var (page, next) = Page(offerings, request);
        yield return Set("instanceTypeOfferingSet", page.Select(o => new object?[]
        {
            E("instanceType", o.Type), E("locationType", locationType), E("location", o.Location),
        }));
        yield return Optional("nextToken", next);
    }

    // DescribeSpotPriceHistory: <spotPriceHistorySet><item><availabilityZone/><instanceType/><productDescription/>
    // <spotPrice/><timestamp/></item></spotPriceHistorySet><nextToken/> (API reference, SpotPrice). One price, the
    // present one, per type and zone, for Linux/UNIX.
    private IEnumerable<object?> DescribeSpotPriceHistory(Ec2Request request)
    {
        var types = request.Parameters.List("InstanceType");
        var products = request.Parameters.List("ProductDescription");
        var zone = request["AvailabilityZone"];
        var filters = request.Parameters.Filters();
        var now = DateTime.UtcNow;
        var prices = InstanceTypes
            .Where(t => t.OfferedIn(request.Region) && (types.Count == 0 || types.Contains(t.Name)))
            .SelectMany(t => Zones(request.Region).Where(z => t.ZoneLetters.Contains(z.Letter, StringComparison.Ordinal)).Select(z => (Type: t, Zone: z.Name)))
            .Where(p => (zone is null || p.Zone == zone) && (products.Count == 0 || products.Contains("Linux/UNIX")) && Passes(filters, null, f => f switch
            {
                "availability-zone" => [p.Zone],
                "instance-type" => [p.Type.Name],
                "product-description" => ["Linux/UNIX"],
                _ => null,
            }));
        var (page, next) = Page(prices, request);
        yield return Set("spotPriceHistorySet", page.Select(p => new object?[]
        {
            E("availabilityZone", p.Zone), E("instanceType", p.Type.Name), E("productDescription", "Linux/UNIX"),
            E("spotPrice", p.Type.SpotPrice.ToString("0.000000", CultureInfo.InvariantCulture)), E("timestamp", now),
        }));
        yield return E("nextToken", next);
    }

    /// <summary>
    /// One page of <paramref name="items"/> as EC2 pages them: at most MaxResults (and <see cref="PageSize"/>) from the
    /// offset the request's NextToken names, and the token of the next page (null after the last). A token EC2 did not
    /// give is InvalidParameterValue, as EC2 answers an expired or foreign one.
    /// </summary>
    private (List<T> Page, string? Next) Page<T>(IEnumerable<T> items, Ec2Request request)
    {
        var all = items.ToList();
        var start = 0;
        if (request["NextToken"] is { Length: > 0 } token
            && (!token.StartsWith("page-", StringComparison.Ordinal) || !int.TryParse(token[5..], NumberStyles.None, CultureInfo.InvariantCulture, out start) || start > all.Count))
        {
            throw new FakeEc2Error("InvalidParameterValue", $"Invalid value '{token}' for nextToken.");
        }

        var size = all.Count;
        if (request["MaxResults"] is { } max && int.TryParse(max, NumberStyles.None, CultureInfo.InvariantCulture, out var wanted))
        {
            size = wanted;
        }

        size = Math.Max(1, Math.Min(size, PageSize ?? size));
        var page = all.Skip(start).Take(size).ToList();
        return (page, start + page.Count < all.Count ? $"page-{start + page.Count}" : null);
    }

    // DescribeImages: <imagesSet><item> with the Image members imageId, imageLocation, imageState, imageOwnerId,
    // creationDate, isPublic, architecture, imageType, name, description, rootDeviceType, rootDeviceName,
    // blockDeviceMapping, virtualizationType, hypervisor, enaSupport, imageOwnerAlias, platformDetails,
    // usageOperation (API reference, DescribeImages and Image). Owner.N takes account ids, "self" and "amazon".
    private IEnumerable<object?> DescribeImages(Ec2Request request)
    {
        var ids = request.Parameters.List("ImageId");
        var owners = request.Parameters.List("Owner");
        var filters = request.Parameters.Filters();
        var missing = ids.Where(id => Images.All(i => i.Id != id)).ToList();
        if (missing.Count > 0)
        {
            throw new FakeEc2Error("InvalidAMIID.NotFound", $"The image id '[{string.Join(", ", missing)}]' does not exist");
        }

        var images = Images.Where(i => (ids.Count == 0 || ids.Contains(i.Id))
            && (owners.Count == 0 || owners.Any(o => o == i.OwnerId || o == i.OwnerAlias || (o == "self" && i.OwnerId == AccountId)))
            && Passes(filters, null, f => f switch
            {
                "name" => [i.Name],
                "image-id" => [i.Id],
                "owner-id" => [i.OwnerId],
                "owner-alias" => i.OwnerAlias is null ? [] : [i.OwnerAlias],
                "state" => ["available"],
                "architecture" => ["x86_64"],
                "is-public" => ["true"],
                "image-type" => ["machine"],
                "virtualization-type" => ["hvm"],
                "root-device-type" => ["ebs"],
                _ => null,
            }));
        yield return Set("imagesSet", images.Select(i => new object?[]
        {
            E("imageId", i.Id), E("imageLocation", $"{i.OwnerAlias ?? i.OwnerId}/{i.Name}"), E("imageState", "available"),
            E("imageOwnerId", i.OwnerId), E("creationDate", i.CreationDate), E("isPublic", "true"), E("architecture", "x86_64"),
            E("imageType", "machine"), E("name", i.Name), E("description", i.Description), E("rootDeviceType", "ebs"),
            E("rootDeviceName", "/dev/sda1"),
            Set("blockDeviceMapping", [[E("deviceName", "/dev/sda1"), E("ebs", E("snapshotId", "snap-" + i.Id[4..]), E("volumeSize", 100), E("deleteOnTermination", "true"), E("volumeType", "gp3"))]]),
            E("virtualizationType", "hvm"), E("hypervisor", "xen"), E("enaSupport", "true"),
            Optional("imageOwnerAlias", i.OwnerAlias), E("platformDetails", "Linux/UNIX"), E("usageOperation", "RunInstances"),
        }));
    }

    // DescribeVpcs: <vpcSet><item><vpcId/><ownerId/><state/><cidrBlock/><dhcpOptionsId/><instanceTenancy/><isDefault/>
    // <tagSet/></item></vpcSet> (API reference, DescribeVpcs and Vpc). Each region has its default VPC only.
    private IEnumerable<object?> DescribeVpcs(Ec2Request request)
    {
        var ids = request.Parameters.List("VpcId");
        var vpc = VpcId(request.Region);
        var missing = ids.Where(id => id != vpc).ToList();
        if (missing.Count > 0)
        {
            throw new FakeEc2Error("InvalidVpcID.NotFound", $"The vpc ID '{missing[0]}' does not exist");
        }

        var filters = request.Parameters.Filters();
        var shown = Passes(filters, new Dictionary<string, string>(), f => f switch
        {
            "vpc-id" => [vpc],
            "is-default" => ["true"],
            "isDefault" => ["true"],
            "state" => ["available"],
            "cidr" or "cidr-block-association.cidr-block" => [VpcCidr],
            "owner-id" => [AccountId],
            _ => null,
        });
        yield return Set("vpcSet", shown ? [[E("vpcId", vpc), E("ownerId", AccountId), E("state", "available"), E("cidrBlock", VpcCidr),
            E("dhcpOptionsId", "dopt-" + vpc[4..]), E("instanceTenancy", "default"), E("isDefault", "true"), E("tagSet")]] : []);
    }

    // DescribeSubnets: <subnetSet><item><subnetId/><subnetArn/><state/><ownerId/><vpcId/><cidrBlock/>
    // <availableIpAddressCount/><availabilityZone/><availabilityZoneId/><defaultForAz/><mapPublicIpOnLaunch/><tagSet/>
    // </item></subnetSet> (API reference, DescribeSubnets and Subnet). One default subnet per zone of the default VPC.
    private IEnumerable<object?> DescribeSubnets(Ec2Request request)
    {
        var ids = request.Parameters.List("SubnetId");
        var vpc = VpcId(request.Region);
        var subnets = Zones(request.Region).Select(z => (Id: SubnetId(request.Region, z.Letter), Zone: z)).ToList();
        var missing = ids.Where(id => subnets.All(s => s.Id != id)).ToList();
        if (missing.Count > 0)
        {
            throw new FakeEc2Error("InvalidSubnetID.NotFound", $"The subnet ID '{missing[0]}' does not exist");
        }

        var filters = request.Parameters.Filters();
        var shown = subnets.Where(s => (ids.Count == 0 || ids.Contains(s.Id)) && Passes(filters, new Dictionary<string, string>(), f => f switch
        {
            "subnet-id" => [s.Id],
            "vpc-id" => [vpc],
            "availability-zone" => [s.Zone.Name],
            "availability-zone-id" => [s.Zone.Id],
            "default-for-az" => ["true"],
            "state" => ["available"],
            "map-public-ip-on-launch" => ["true"],
            _ => null,
        }));
        yield return Set("subnetSet", shown.Select(s => new object?[]
        {
            E("subnetId", s.Id), E("subnetArn", $"arn:aws:ec2:{request.Region}:{AccountId}:subnet/{s.Id}"), E("state", "available"),
            E("ownerId", AccountId), E("vpcId", vpc), E("cidrBlock", SubnetCidr(s.Zone.Letter)), E("availableIpAddressCount", 4091),
            E("availabilityZone", s.Zone.Name), E("availabilityZoneId", s.Zone.Id), E("defaultForAz", "true"),
            E("mapPublicIpOnLaunch", "true"), E("tagSet"),
        }));
    }
}
