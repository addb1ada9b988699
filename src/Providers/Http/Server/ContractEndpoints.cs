using System.Net;
using System.Text.Json;
using DirectLB.Providers.Http.Contract;
using DirectLB.Providers.Model;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Primitives;

namespace DirectLB.Providers.Http.Server;

/// <summary>
/// The routes of the REST contract (openapi.yaml) over any provider that holds its own load balancers: each route is
/// one call on the provider, so what it does in process (the simulated cloud's latency, rate limit and injected
/// faults; HAProxy's reloads and runtime API) shows through HTTP as it is. The routes validate what the contract
/// requires of a request (owner parameters, bodies, ports, addresses) before the provider sees it.
/// </summary>
internal sealed class ContractEndpoints(ILoadBalancerProvider provider, ILoadBalancerCatalog catalog)
{
    private const string LoadBalancer = "/loadbalancers/{id}";
    private const string Listener = LoadBalancer + "/listeners/{protocol}-{port:int}";

    public void Map(IEndpointRouteBuilder routes)
    {
        var v1 = routes.MapGroup("/v1").AddEndpointFilter(AnswerFailuresAsProblems);
        v1.MapGet("/openapi.yaml", () => Results.Text(ContractDocument.OpenApiYaml, ContractDocument.MediaType));
        v1.MapGet("/capabilities", () => Json(ContractMapping.ToDto(provider.Capabilities)));
        v1.MapGet("/loadbalancers", FindAsync);
        v1.MapPost("/loadbalancers", EnsureAsync);
        v1.MapGet(LoadBalancer, GetAsync);
        v1.MapDelete(LoadBalancer, DeleteAsync);
        v1.MapPut(LoadBalancer + "/address", MoveAsync);
        v1.MapPut(LoadBalancer + "/addresses", ReaddressAsync);
        v1.MapPut(Listener, EnsureListenerAsync);
        v1.MapDelete(Listener, DeleteListenerAsync);
        v1.MapPost(Listener + "/targets:batch", ChangeTargetsAsync);
    }

    private static async ValueTask<object?> AnswerFailuresAsProblems(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (Exception e) when (e is ProviderException or InvalidRequestException)
        {
            return ProblemResult.For(e);
        }
    }

    /// <summary>A find by the owner tags (one Service's load balancer), or a paged list by the installation tags.</summary>
    private async Task<IResult> FindAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var filter = ParseTags(request.Query[TagQuery.Filter], TagQuery.Filter);
        if (LoadBalancerOwner.FromTags(filter) is { } owner)
        {
            var found = await provider.FindLoadBalancerAsync(owner, cancellationToken);
            var matches = found is not null && filter.All(tag => found.Tags.GetValueOrDefault(tag.Key) == tag.Value);
            return Json(new LoadBalancerListDto(matches ? [ContractMapping.ToDto(found!)] : []));
        }

        var installation = Installation.FromTags(filter)
            ?? throw new InvalidRequestException(
                $"a find filters by the owner tags {LoadBalancerOwner.ClusterTag} and {LoadBalancerOwner.ServiceTag} (namespace/name), " +
                $"a list by the installation tags {Installation.IdTag} and {Installation.ClassTag}");
        var page = await provider.ListLoadBalancersAsync(installation, request.Query["continue"].FirstOrDefault(), cancellationToken);
        return Json(new LoadBalancerListDto([.. page.Items.Select(ContractMapping.ToDto)], page.Continue));
    }

    private async Task<IResult> EnsureAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var body = await ReadBodyAsync<EnsureLoadBalancerRequest>(context.Request, cancellationToken);
        var owner = LoadBalancerOwner.FromTags(body.Tags);
        if (owner is null || owner.ServiceUid.Length == 0)
        {
            throw new InvalidRequestException(
                $"tags must name the owner: {LoadBalancerOwner.ClusterTag}, {LoadBalancerOwner.ServiceTag} (namespace/name) and {LoadBalancerOwner.ServiceUidTag}");
        }

        // 201 versus 200 only informs; two racing first ensures may both hear 201 for the one load balancer.
        var existed = catalog.Holds(owner);
        var lb = ContractMapping.ToDto((body.IpFamilies, body.Address) switch
        {
            ({ } families, var address) => await Families().EnsureLoadBalancerAsync(owner, body.Name, ParseFamilies(families, address), cancellationToken),
            (null, null) => await provider.EnsureLoadBalancerAsync(owner, body.Name, cancellationToken),
            (null, { } address) when provider is IChosenAddressProvider chooser => await chooser.EnsureLoadBalancerAsync(owner, body.Name, address, cancellationToken),
            _ => throw CannotChoose(body.Address!),
        });
        if (existed)
        {
            return Json(lb);
        }

        context.Response.Headers.Location = $"/v1/loadbalancers/{Uri.EscapeDataString(lb.Id)}";
        return Json(lb, StatusCodes.Status201Created);
    }

    /// <summary>Reads the catalog: no provider verb reads one load balancer by id.</summary>
    private async Task<IResult> GetAsync(string id, CancellationToken cancellationToken) =>
        await catalog.GetLoadBalancerAsync(id, cancellationToken) is { } lb
            ? Json(ContractMapping.ToDto(lb))
            : ProblemResult.For(new LoadBalancerNotFoundException(id));

    private async Task<IResult> DeleteAsync(string id, HttpRequest request, CancellationToken cancellationToken)
    {
        await provider.EnsureLoadBalancerDeletedAsync(Owned(id, request), cancellationToken);
        return Results.NoContent();
    }

    private async Task<IResult> MoveAsync(string id, HttpRequest request, CancellationToken cancellationToken)
    {
        var loadBalancer = Owned(id, request);
        var body = await ReadBodyAsync<MoveLoadBalancerRequest>(request, cancellationToken);
        if (string.IsNullOrEmpty(body.Address))
        {
            throw new InvalidRequestException("address is required");
        }

        var chooser = provider as IChosenAddressProvider ?? throw CannotChoose(body.Address);
        return Json(ContractMapping.ToDto(await chooser.MoveLoadBalancerAsync(loadBalancer, body.Address, cancellationToken)));
    }

    private async Task<IResult> ReaddressAsync(string id, HttpRequest request, CancellationToken cancellationToken)
    {
        var loadBalancer = Owned(id, request);
        var body = await ReadBodyAsync<ReaddressLoadBalancerRequest>(request, cancellationToken);
        return Json(ContractMapping.ToDto(await Families().ReaddressLoadBalancerAsync(loadBalancer, ParseFamilies(body.IpFamilies, body.Address), cancellationToken)));
    }

    /// <summary>Only a provider that declares address families is asked for them; another refuses as it refuses an address.</summary>
    private IAddressFamiliesProvider Families() =>
        provider is IAddressFamiliesProvider families && provider.Capabilities.AddressFamilies.Count > 0
            ? families
            : throw new AddressUnavailableException("this load balancer API cannot be asked for IP families");

    private static AddressRequest ParseFamilies(IReadOnlyList<IpFamily> families, string? address) =>
        AddressRequest.FromFamilies(families, string.IsNullOrEmpty(address) ? null : address)
            ?? throw new InvalidRequestException("ipFamilies must list IPv4, IPv6 or both, each once");

    private static AddressUnavailableException CannotChoose(string address) =>
        new($"this load balancer API gives addresses itself; it cannot give {address}");

    private async Task<IResult> EnsureListenerAsync(string id, string protocol, int port, HttpRequest request, CancellationToken cancellationToken)
    {
        var loadBalancer = Owned(id, request);
        var settings = await ReadBodyAsync<ListenerSettingsDto>(request, cancellationToken);
        if (settings.ClientIpAffinity is { TimeoutSeconds: < 1 or > ClientIpAffinity.MaxTimeoutSeconds } affinity)
        {
            throw new InvalidRequestException($"clientIpAffinity.timeoutSeconds {affinity.TimeoutSeconds} is not between 1 and {ClientIpAffinity.MaxTimeoutSeconds}");
        }

        await provider.EnsureListenerAsync(loadBalancer, ContractMapping.ToSpec(ParseListener(protocol, port), settings), cancellationToken);
        return Results.NoContent();
    }

    private async Task<IResult> DeleteListenerAsync(string id, string protocol, int port, HttpRequest request, CancellationToken cancellationToken)
    {
        await provider.EnsureListenerDeletedAsync(Owned(id, request), ParseListener(protocol, port), cancellationToken);
        return Results.NoContent();
    }

    private async Task<IResult> ChangeTargetsAsync(string id, string protocol, int port, HttpRequest request, CancellationToken cancellationToken)
    {
        var loadBalancer = Owned(id, request);
        var batch = await ReadBodyAsync<TargetBatchRequest>(request, cancellationToken);
        foreach (var target in batch.Upserts)
        {
            CheckTarget(target.Ip, target.Port);
            if (target.Weight < 0)
            {
                throw new InvalidRequestException($"target {target.Ip}:{target.Port} has a negative weight");
            }
        }

        foreach (var removal in batch.Removals)
        {
            CheckTarget(removal.Ip, removal.Port);
        }

        await provider.ChangeTargetsAsync(
            loadBalancer,
            ParseListener(protocol, port),
            [.. batch.Upserts.Select(ContractMapping.ToModel)],
            [.. batch.Removals.Select(ContractMapping.ToModel)],
            cancellationToken);
        return Results.NoContent();
    }

    private static IResult Json<T>(T body, int status = StatusCodes.Status200OK) =>
        Results.Json(body, ContractJson.Options, ContractJson.MediaType, status);

    private static async Task<T> ReadBodyAsync<T>(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!request.HasJsonContentType())
        {
            throw new InvalidRequestException($"the body must be {ContractJson.MediaType}");
        }

        try
        {
            return await request.ReadFromJsonAsync<T>(ContractJson.Options, cancellationToken)
                ?? throw new InvalidRequestException("the body is null");
        }
        catch (JsonException e)
        {
            throw new InvalidRequestException($"the body is not a valid {typeof(T).Name.Replace("Dto", "", StringComparison.Ordinal)}: {e.Message}");
        }
    }

    /// <summary>
    /// An unknown protocol name is refused (422) like a known one the provider lacks, not rejected as malformed:
    /// to a client both mean "this load balancer cannot do that".
    /// </summary>
    private static ListenerKey ParseListener(string protocol, int port)
    {
        if (!ListenerSegment.TryParseProtocol(protocol, out var parsed))
        {
            throw new ProviderException($"protocol {protocol} is not supported", retryable: false);
        }

        return port is >= 1 and <= 65535 ? new ListenerKey(parsed, port) : throw new InvalidRequestException($"port {port} is out of range");
    }

    private static void CheckTarget(string ip, int port)
    {
        if (!IPAddress.TryParse(ip, out _) || port is < 1 or > 65535)
        {
            throw new InvalidRequestException($"target {ip}:{port} is not an IP address and port");
        }
    }

    private static Dictionary<string, string> ParseTags(StringValues values, string parameter) =>
        TagQuery.Parse(values) ?? throw new InvalidRequestException($"every {parameter} parameter must be key=value: '{values}'");

    /// <summary>A verb by id names the owner it expects (the <c>owner</c> parameters); the provider checks it before acting.</summary>
    private static LoadBalancerRef Owned(string id, HttpRequest request) =>
        new(id, LoadBalancerOwner.FromTags(ParseTags(request.Query[TagQuery.Owner], TagQuery.Owner))
            ?? throw new InvalidRequestException(
                $"a request by id names the owner it expects: {TagQuery.Owner} parameters with {LoadBalancerOwner.ClusterTag} and {LoadBalancerOwner.ServiceTag}"));
}
