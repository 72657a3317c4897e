using Amazon.EC2;
using Amazon.EC2.Model;

namespace Dstack.Runtime.Backends.Aws;

/// <summary>
/// Cluster placement groups for runs of several nodes: made before the first instance of the run launches in a region,
/// deleted once its instances are terminated (EC2 refuses to delete a group that still holds an instance, even one
/// shutting down).
/// </summary>
public sealed partial class AwsCompute
{
    /// <summary>How often a group's instances are asked about while they shut down, before it is deleted.</summary>
    public TimeSpan PlacementGroupPoll { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Whether EC2 launches the type in a cluster placement group. The rule used: every type but the burstable ones
    /// (<c>t2</c>, <c>t3</c>, <c>t3a</c>, <c>t4g</c> and any later <c>t</c> family), the Mac types (<c>mac1</c>,
    /// <c>mac2</c> ...) and the flex types (<c>m7i-flex</c>, <c>c7i-flex</c>). A type of an older generation the
    /// catalog still lists may be refused by EC2 all the same; that launch fails with EC2's reason.
    /// </summary>
    public static bool SupportsClusterPlacement(string instanceType)
    {
        var dot = instanceType.IndexOf('.', StringComparison.Ordinal);
        var family = (dot > 0 ? instanceType[..dot] : instanceType).ToLowerInvariant();
        var burstable = family.Length > 1 && family[0] == 't' && char.IsAsciiDigit(family[1]);
        return family.Length > 0 && !burstable && !family.StartsWith("mac", StringComparison.Ordinal) && !family.EndsWith("-flex", StringComparison.Ordinal);
    }

    /// <summary>Makes the cluster placement group <paramref name="name"/> in the region; one that exists already (made for an earlier node) is used.</summary>
    public async Task EnsurePlacementGroupAsync(string region, string name, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken)
    {
        try
        {
            await Client(region).CreatePlacementGroupAsync(new CreatePlacementGroupRequest
            {
                GroupName = name,
                Strategy = PlacementStrategy.Cluster,
                TagSpecifications = [new TagSpecification { ResourceType = ResourceType.PlacementGroup, Tags = [.. tags.Select(t => new Tag(t.Key, t.Value))] }],
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonEC2Exception e) when (e.ErrorCode == "InvalidPlacementGroup.Duplicate")
        {
        }
        catch (AmazonEC2Exception e)
        {
            throw new ProvisioningException($"{region}: the placement group {name} could not be made: {Explain(e, "ec2:CreatePlacementGroup")}");
        }
    }

    /// <summary>
    /// Deletes the placement group once none of its instances is left (they are waited for while they shut down, until
    /// <paramref name="cancellationToken"/> ends the wait); a group EC2 does not know is no error.
    /// </summary>
    public async Task DeletePlacementGroupAsync(string region, string name, CancellationToken cancellationToken)
    {
        var client = Client(region);
        while (true)
        {
            var inGroup = await client.DescribeInstancesAsync(new DescribeInstancesRequest { Filters = [new Filter("placement-group-name", [name])] }, cancellationToken).ConfigureAwait(false);
            var left = (inGroup.Reservations ?? []).SelectMany(r => r.Instances ?? []).Count(i => i.State?.Name != InstanceStateName.Terminated);
            if (left == 0)
            {
                try
                {
                    await client.DeletePlacementGroupAsync(new DeletePlacementGroupRequest { GroupName = name }, cancellationToken).ConfigureAwait(false);
                    return;
                }
                catch (AmazonEC2Exception e) when (e.ErrorCode == "InvalidPlacementGroup.Unknown")
                {
                    return;
                }
                catch (AmazonEC2Exception e) when (e.ErrorCode == "InvalidPlacementGroup.InUse")
                {
                    // An instance EC2 had not listed yet: wait for it as for the others.
                }
                catch (AmazonEC2Exception e)
                {
                    throw new InvalidOperationException($"{region}: the placement group {name} could not be deleted: {Explain(e, "ec2:DeletePlacementGroup")}", e);
                }
            }

            await Task.Delay(PlacementGroupPoll, cancellationToken).ConfigureAwait(false);
        }
    }
}
