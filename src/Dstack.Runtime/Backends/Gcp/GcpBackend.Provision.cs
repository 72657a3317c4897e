using System.Globalization;
using System.Text.Json.Nodes;
using Dstack.Runtime.Ssh;
using Dstack.Runtime.Runs;

namespace Dstack.Runtime.Backends.Gcp;

public sealed partial class GcpBackend
{
    /// <summary>Ubuntu 24.04, for instances without GPUs.</summary>
    public const string CpuImage = "projects/ubuntu-os-cloud/global/images/family/ubuntu-2404-lts-amd64";

    /// <summary>Google's deep-learning image with the NVIDIA driver and CUDA, for instances with GPUs.</summary>
    public const string GpuImage = "projects/deeplearning-platform-release/global/images/family/common-cu124-ubuntu-2204-py310";

    public async Task<Instance> ProvisionAsync(ProvisionRequest request, IProgress<RunProgress>? progress, CancellationToken cancellationToken)
    {
        try
        {
            return await ProvisionInZonesAsync(request, progress, cancellationToken).ConfigureAwait(false);
        }
        catch (GcpCredentialsException e)
        {
            throw new ProvisioningException($"{request.Offer.ShownAs} in {request.Offer.Region}: {e.Message}");
        }
        catch (HttpRequestException e)
        {
            throw new ProvisioningException($"{request.Offer.ShownAs} in {request.Offer.Region}: Compute Engine cannot be reached ({e.Message}); check the network, or {EndpointVariable} when it is set");
        }
    }

    private async Task<Instance> ProvisionInZonesAsync(ProvisionRequest request, IProgress<RunProgress>? progress, CancellationToken cancellationToken)
    {
        var offer = request.Offer;
        var type = offer.Data.GetValueOrDefault(GcpOffers.MachineTypeKey, offer.Instance);
        var zones = ZonesFor(request, offer.Data.GetValueOrDefault(GcpOffers.ZonesKey, string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries));
        var key = ProjectKey.Of(home);
        var project = CloudInit.ProjectName(home);
        var tag = $"dstack-{project}";
        var name = InstanceName(request.Token);
        void Step(string step, string detail) => progress?.Report(new ProvisioningStepProgress(request.Rank, BackendName, step, detail));

        try
        {
            Step("firewall", $"allowing SSH to the network tag {tag} on {settings.VpcName}");
            if (await Compute.GetFirewallAsync($"{tag}-ssh", cancellationToken).ConfigureAwait(false) is null)
            {
                await Compute.InsertFirewallAsync(Firewall(tag), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (GcpApiException e)
        {
            throw new ProvisioningException($"{type} in {offer.Region}: Compute Engine refused the firewall rule {tag}-ssh ({e.Code}: {e.Detail}); the credentials need the Compute Security Admin role, or make the rule yourself (tcp:22 to the tag {tag})");
        }

        var policy = await PlacementPolicyAsync(request, type, Step, cancellationToken).ConfigureAwait(false);
        var capacity = new List<string>();
        foreach (var zone in zones)
        {
            Step("launching", $"creating {offer.ShownAs} ({(offer.Spot ? "spot" : "on-demand")}) in {zone}{(policy is null ? string.Empty : $" with the compact placement policy {policy}")}");
            try
            {
                var body = Body(request, zone, name, tag, key, project);
                if (policy is not null)
                {
                    body["resourcePolicies"] = new JsonArray($"projects/{Compute.Project}/regions/{offer.Region}/resourcePolicies/{policy}");
                }

                await Compute.InsertInstanceAsync(zone, body, cancellationToken).ConfigureAwait(false);
            }
            catch (GcpApiException e) when (e.IsCapacity)
            {
                capacity.Add($"{zone}: {e.Code}");
                continue;
            }
            catch (GcpApiException e)
            {
                // A refused insert may still have made the instance (an operation that failed late): never leave it.
                await Compute.DeleteInstanceAsync(zone, name, CancellationToken.None).ConfigureAwait(false);
                throw new ProvisioningException($"{offer.ShownAs} in {zone}: Compute Engine refused it ({e.Code}: {e.Detail})");
            }
            catch (OperationCanceledException)
            {
                // Stopped while the insert's operation ran: the instance was asked for (the request is never cut off), so it is deleted.
                await Compute.DeleteInstanceAsync(zone, name, CancellationToken.None).ConfigureAwait(false);
                throw;
            }

            try
            {
                Step("waiting", $"waiting for {name} in {zone} to run and answer SSH");
                var address = await ReadyAsync(zone, name, cancellationToken).ConfigureAwait(false);
                if (request.Containers)
                {
                    await WaitForDockerAsync(new SshHost(InstanceId(zone, name), LoginUser, address, 22, key.PrivateKeyFile), Step, cancellationToken).ConfigureAwait(false);
                }

                var data = new Dictionary<string, string>(offer.Data, StringComparer.Ordinal)
                {
                    [HostKey] = address,
                    [UserKey] = LoginUser,
                    [IdentityKey] = key.PrivateKeyFile,
                    [ZoneKey] = zone,
                };
                if (policy is not null)
                {
                    data[ResourcePolicyKey] = policy;
                }

                JoinedGroup(request, zone);
                return new Instance(offer with { Data = data }, InstanceId(zone, name), address);
            }
            catch
            {
                // Created but never ready (or the run stopped meanwhile): it must not be left behind.
                await Compute.DeleteInstanceAsync(zone, name, CancellationToken.None).ConfigureAwait(false);
                throw;
            }
        }

        throw new ProvisioningException($"{offer.ShownAs} ({(offer.Spot ? "spot" : "on-demand")}) in {offer.Region}: no capacity or quota in any zone ({string.Join("; ", capacity)}); the next offer is tried", noCapacity: true);
    }

    /// <summary>Polls the instance until it is RUNNING with an address that answers SSH, within <see cref="ReadyLimit"/>.</summary>
    private async Task<string> ReadyAsync(string zone, string name, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + ReadyLimit;
        while (true)
        {
            var instance = await Compute.GetInstanceAsync(zone, name, cancellationToken).ConfigureAwait(false)
                ?? throw new ProvisioningException($"{name} in {zone} is gone before it ran (a Spot VM taken back at once, or deleted)", noCapacity: true);
            var status = (string?)instance["status"];
            if (status is "STOPPING" or "TERMINATED" or "SUSPENDED")
            {
                throw new ProvisioningException($"{name} in {zone} stopped before it was ready (status {status})", noCapacity: true);
            }

            var nic = instance["networkInterfaces"]?[0];
            var address = settings.PublicIps ? (string?)nic?["accessConfigs"]?[0]?["natIP"] : (string?)nic?["networkIP"];
            if (status == "RUNNING" && address is { Length: > 0 } && await SshAnswers(address, cancellationToken).ConfigureAwait(false))
            {
                return address;
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new ProvisioningException($"{name} in {zone} did not run and answer SSH within {ReadyLimit.TotalMinutes.ToString("0.#", CultureInfo.InvariantCulture)} minutes (status {status}); it was deleted");
            }

            await Task.Delay(Poll, cancellationToken).ConfigureAwait(false);
        }
    }

    private JsonObject Firewall(string tag) => new()
    {
        ["name"] = $"{tag}-ssh",
        ["network"] = $"global/networks/{settings.VpcName}",
        ["direction"] = "INGRESS",
        ["allowed"] = new JsonArray(new JsonObject { ["IPProtocol"] = "tcp", ["ports"] = new JsonArray("22") }),
        ["sourceRanges"] = new JsonArray("0.0.0.0/0"),
        ["targetTags"] = new JsonArray(tag),
        ["description"] = "SSH to instances dstack makes for this project",
    };

    /// <summary>The instances.insert body, in Compute Engine v1's field names.</summary>
    private JsonObject Body(ProvisionRequest request, string zone, string name, string tag, ProjectKey key, string project)
    {
        var offer = request.Offer;
        var gpus = offer.Resources.Gpus.Count > 0;
        var disk = offer.Data.GetValueOrDefault(GcpOffers.DiskKey, "100");
        var nic = new JsonObject { ["network"] = $"global/networks/{settings.VpcName}" };
        if (settings.Subnet is { } subnet)
        {
            nic["subnetwork"] = $"regions/{offer.Region}/subnetworks/{subnet}";
        }

        if (settings.PublicIps)
        {
            nic["accessConfigs"] = new JsonArray(new JsonObject { ["type"] = "ONE_TO_ONE_NAT", ["name"] = "External NAT" });
        }

        var labels = new JsonObject();
        foreach (var (label, value) in settings.Tags)
        {
            labels[label] = value;
        }

        labels["dstack_project"] = project;
        labels["dstack_run"] = Label(request.RunName);
        var body = new JsonObject
        {
            ["name"] = name,
            ["machineType"] = $"zones/{zone}/machineTypes/{offer.Data.GetValueOrDefault(GcpOffers.MachineTypeKey, offer.Instance)}",
            ["disks"] = new JsonArray(new JsonObject
            {
                ["boot"] = true,
                ["autoDelete"] = true,
                ["initializeParams"] = new JsonObject { ["sourceImage"] = gpus ? GpuImage : CpuImage, ["diskSizeGb"] = disk },
            }),
            ["networkInterfaces"] = new JsonArray(nic),
            ["metadata"] = new JsonObject
            {
                ["items"] = new JsonArray(
                    new JsonObject { ["key"] = "ssh-keys", ["value"] = $"{LoginUser}:{key.PublicKey}" },
                    new JsonObject { ["key"] = "user-data", ["value"] = CloudInit.UserData(LoginUser, request.Containers) }),
            },
            ["labels"] = labels,
            ["tags"] = new JsonObject { ["items"] = new JsonArray(tag) },
            ["scheduling"] = offer.Spot
                ? new JsonObject { ["provisioningModel"] = "SPOT", ["instanceTerminationAction"] = "DELETE", ["onHostMaintenance"] = "TERMINATE", ["automaticRestart"] = false }
                : new JsonObject { ["provisioningModel"] = "STANDARD", ["onHostMaintenance"] = gpus ? "TERMINATE" : "MIGRATE", ["automaticRestart"] = true },
        };
        if (offer.Data.TryGetValue(GcpOffers.AcceleratorKey, out var accelerator))
        {
            body["guestAccelerators"] = new JsonArray(new JsonObject
            {
                ["acceleratorType"] = $"zones/{zone}/acceleratorTypes/{accelerator}",
                ["acceleratorCount"] = int.Parse(offer.Data[GcpOffers.AcceleratorCountKey], CultureInfo.InvariantCulture),
            });
        }

        return body;
    }

    /// <summary>A run name as a label value: lowercase letters, digits, - and _, at most 63.</summary>
    private static string Label(string value)
    {
        var chars = value.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '-').ToArray();
        return new string(chars)[..Math.Min(chars.Length, 63)];
    }
}
