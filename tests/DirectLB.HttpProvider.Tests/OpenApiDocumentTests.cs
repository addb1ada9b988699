using System.Text.RegularExpressions;
using DirectLB.Providers.Http.Contract;
using DirectLB.Providers.Http.Tests.Support;
using DirectLB.Providers.Simulated.Server;

namespace DirectLB.Providers.Http.Tests;

public sealed partial class OpenApiDocumentTests
{
    [Fact]
    public async Task The_server_serves_the_document_and_every_route_it_maps_is_documented_and_no_other()
    {
        await using var server = await SimulatedCloudServer.StartAsync();
        using var http = new HttpClient { BaseAddress = server.BaseAddress };

        var served = await http.GetStringAsync("v1/openapi.yaml");
        var outline = OpenApiOutline.Parse(served);

        Assert.Equal(ContractDocument.OpenApiYaml, served);
        Assert.StartsWith("3.0.", outline.Version);
        var routes = server.Routes.Select(route => RouteConstraint().Replace(route, "}")).ToHashSet();
        Assert.Equal(routes.Order(), outline.Operations.Order());
    }

    [Fact]
    public void Every_reference_names_a_defined_component()
    {
        var outline = OpenApiOutline.Parse(ContractDocument.OpenApiYaml);

        Assert.NotEmpty(outline.References);
        Assert.Empty(outline.References.Except(outline.Components));
    }

    [Fact]
    public void Every_problem_type_the_code_knows_is_documented()
    {
        var documented = ContractDocument.OpenApiYaml;
        var types = typeof(ProblemTypes).GetFields().Select(field => (string)field.GetValue(null)!);

        Assert.All(types, type => Assert.Contains(type.Split('/')[^1], documented));
    }

    /// <summary>Route constraints such as <c>{port:int}</c> are not part of the documented path.</summary>
    [GeneratedRegex(@":\w+}")]
    private static partial Regex RouteConstraint();
}
