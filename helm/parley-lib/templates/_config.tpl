{{/* The process environment: plain settings in a ConfigMap, secrets by reference. */}}

{{/* Every plain variable: `config`, plus where the HTTP API listens (derived from `http`, so the
container port, the Service, the probes and the process always agree) and where a worker serves
its health port (derived from `health` the same way). */}}
{{- define "parley.environment" -}}
{{- $env := deepCopy .Values.config -}}
{{- if .Values.http.enabled -}}
{{- $_ := set $env .Values.http.hostEnv "0.0.0.0" -}}
{{- $_ := set $env .Values.http.portEnv (toString .Values.http.port) -}}
{{- end -}}
{{- $health := .Values.health | default dict -}}
{{- if $health.enabled -}}
{{- $_ := set $env "WORKER_HEALTH_HOST" "0.0.0.0" -}}
{{- $_ := set $env "WORKER_HEALTH_PORT" (toString $health.port) -}}
{{- end -}}
{{- toYaml $env -}}
{{- end -}}

{{- define "parley.configmap" -}}
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ include "parley.fullname" . }}
  labels:
    {{- include "parley.labels" . | nindent 4 }}
data:
  {{- include "parley.environment" . | nindent 2 }}
{{- end -}}

{{/* Settings a cluster release cannot do without: unset, a service silently falls back to an
in-process emulation (memory bus, fakeredis, Mongo emulation, pod-local blobs) and loses data. */}}
{{- define "parley.validate" -}}
{{- $config := .Values.config -}}
{{- $secrets := .Values.secretEnv -}}
{{- range $name := list "MONGODB_URL" "REDIS_URL" "PARLEY_BUCKET" -}}
{{- if not (or (get $config $name) (hasKey $secrets $name)) -}}
{{- fail (printf "%s must be set (in config or secretEnv): without it the service would run on an in-process emulation and lose its data" $name) -}}
{{- end -}}
{{- end -}}
{{- if ne (get $config "PARLEY_BUS") "sqs" -}}
{{- fail "config.PARLEY_BUS must be \"sqs\": the in-process bus cannot connect separate releases" -}}
{{- end -}}
{{- range $name, $_ := $secrets -}}
{{- if hasKey $config $name -}}
{{- fail (printf "%s is set both in config and in secretEnv" $name) -}}
{{- end -}}
{{- end -}}
{{- if and .Values.autoscaling.enabled .Values.keda.enabled -}}
{{- fail "autoscaling (CPU HPA) and keda (queue depth) are exclusive: KEDA manages its own HPA" -}}
{{- end -}}
{{- if and .Values.autoscaling.enabled (not (dig "requests" "cpu" "" .Values.resources)) -}}
{{- fail "autoscaling on CPU needs resources.requests.cpu" -}}
{{- end -}}
{{- if and .Values.keda.enabled (not .Values.aws.accountId) -}}
{{- fail "keda needs aws.accountId to address the SQS queue" -}}
{{- end -}}
{{- if and .Values.keda.enabled (not (get $config "AWS_DEFAULT_REGION")) -}}
{{- fail "keda needs config.AWS_DEFAULT_REGION to address the SQS queue" -}}
{{- end -}}
{{- end -}}
