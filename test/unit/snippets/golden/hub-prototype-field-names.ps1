# <b>Names</b> <script>window.__okcPwned="title"</script> <U+202E>gnp.exe ../../outside: rows from the OKC open data portal (PowerShell, Invoke-RestMethod).
$Url = 'https://utility.arcgis.com/usrsvcs/servers/0123456789abcdef0123456789abcdef/rest/services/OpenData/Public_Safety/FeatureServer/4/query'
$Params = [ordered]@{
    'f' = 'json'
    'where' = '1=1'
    'outFields' = 'OBJECTID,__proto__,constructor,toString'
    'orderByFields' = 'OBJECTID ASC'
    'returnGeometry' = 'false'
    'outSR' = '4326'
}
$Token = [Environment]::GetEnvironmentVariable('OKC_PORTAL_TOKEN')
if ($Token) { $Params['token'] = $Token }

$Rows = [System.Collections.Generic.List[object]]::new()
$Offset = 0
while ($true) {
    $Params['resultOffset'] = $Offset
    $Page = Invoke-RestMethod -Uri $Url -Method Get -Body $Params
    # ArcGIS reports query errors with HTTP 200 and an "error" object.
    if ($Page.error) { throw $Page.error.message }
    $Features = @($Page.features)
    $Rows.AddRange([object[]]$Features)
    # More rows remain only while the server says its transfer limit was exceeded.
    $More = $Page.exceededTransferLimit -or $Page.properties.exceededTransferLimit
    if (-not $More -or $Features.Count -eq 0) { break }
    $Offset += $Features.Count
}
