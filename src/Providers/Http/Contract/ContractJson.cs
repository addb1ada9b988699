using System.Text.Json;
using System.Text.Json.Serialization;

namespace DirectLB.Providers.Http.Contract;

/// <summary>
/// The one JSON dialect of the contract, shared by client and server: camelCase names, enums as lower-case
/// strings ("tcp", "draining"), and missing non-nullable members rejected rather than defaulted to null.
/// </summary>
public static class ContractJson
{
    public const string MediaType = "application/json";

    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            RespectNullableAnnotations = true,
            RespectRequiredConstructorParameters = true,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
