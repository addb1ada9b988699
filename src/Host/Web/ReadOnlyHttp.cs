using Microsoft.AspNetCore.Routing;

namespace DirectLB.Host.Web;

/// <summary>
/// DirectLB's HTTP endpoints only read: health, metrics, the status page and API. Every method but GET and HEAD is
/// refused with 405 before routing, so no route (present or future, and /metrics, which answers every method) takes
/// a write or a TRACE; HEAD is answered wherever GET is, without the body.
/// </summary>
public static class ReadOnlyHttp
{
    private static readonly string[] Allowed = [HttpMethods.Get, HttpMethods.Head];

    public static void RefuseWrites(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            if (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method))
            {
                await next(context);
                return;
            }

            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            context.Response.Headers.Allow = string.Join(", ", Allowed);
        });

    /// <summary>Lets every GET endpoint of the group answer HEAD too (minimal APIs map GET alone).</summary>
    public static RouteGroupBuilder AnswerHead(this RouteGroupBuilder group)
    {
        ((IEndpointConventionBuilder)group).Finally(endpoint =>
        {
            if (endpoint.Metadata.OfType<IHttpMethodMetadata>().LastOrDefault() is { } methods
                && methods.HttpMethods.Contains(HttpMethods.Get) && !methods.HttpMethods.Contains(HttpMethods.Head))
            {
                endpoint.Metadata.Add(new HttpMethodMetadata([.. methods.HttpMethods, HttpMethods.Head]));
            }
        });
        return group;
    }
}
