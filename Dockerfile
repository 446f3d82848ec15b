# Mem0Gateway container image: docker build -t mem0gateway .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# yarp.json is a Content item of the gateway project (linked from the repository root)
COPY global.json Directory.Build.props yarp.json ./
COPY src/Mem0Gateway/Mem0Gateway.csproj src/Mem0Gateway/
RUN dotnet restore src/Mem0Gateway/Mem0Gateway.csproj
COPY src/ src/
RUN dotnet publish src/Mem0Gateway/Mem0Gateway.csproj -c Release -o /out --no-restore /p:UseAppHost=false

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /out ./
# the published output holds the default yarp.json; docker-compose.yml bind-mounts ./yarp.json over it so edits are picked up live
ENV MEM0GW_CONFIG=/app/yarp.json
# client ports (mem0 API, OpenMemory API + MCP, OpenMemory UI) and the management port (/metrics, /health/*)
EXPOSE 18888 13030 18765 13000 19464
USER $APP_UID
ENTRYPOINT ["dotnet", "Mem0Gateway.dll"]
