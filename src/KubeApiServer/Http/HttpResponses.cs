using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace DirectLB.KubeApiServer.Http;

/// <summary>Writes JSON bodies and <c>Status</c> errors the way the real server does.</summary>
internal static class HttpResponses
{
    public static async Task WriteJsonAsync(HttpContext context, int statusCode, JsonNode body, string? contentType = null)
    {
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = contentType ?? "application/json";
        await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(body.ToJsonString()), context.RequestAborted);
    }

    public static Task WriteStatusAsync(HttpContext context, KubeApiException error) =>
        WriteJsonAsync(context, error.Code, error.ToStatus());

    /// <summary>The <c>StatusReason</c> the real server pairs with a bare HTTP code, for injected faults.</summary>
    public static string ReasonFor(int code) => code switch
    {
        400 => "BadRequest",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "NotFound",
        405 => "MethodNotAllowed",
        409 => "Conflict",
        410 => "Expired",
        415 => "UnsupportedMediaType",
        422 => "Invalid",
        429 => "TooManyRequests",
        503 => "ServiceUnavailable",
        504 => "Timeout",
        _ => "InternalError",
    };
}
