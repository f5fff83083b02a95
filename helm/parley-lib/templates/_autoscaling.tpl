{{/* Scaling: a CPU HPA (HTTP services), or a KEDA ScaledObject on the SQS queue depth (workers). */}}

{{- define "parley.minReplicas" -}}
{{- if .Values.keda.enabled -}}{{ .Values.keda.minReplicas }}
{{- else if .Values.autoscaling.enabled -}}{{ .Values.autoscaling.minReplicas }}
{{- else -}}{{ .Values.replicaCount }}
{{- end -}}
{{- end -}}

{{- define "parley.hpa" -}}
{{- if .Values.autoscaling.enabled -}}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ include "parley.fullname" . }}
  labels:
    {{- include "parley.labels" . | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ include "parley.fullname" . }}
  minReplicas: {{ .Values.autoscaling.minReplicas }}
  maxReplicas: {{ .Values.autoscaling.maxReplicas }}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ .Values.autoscaling.targetCPUUtilizationPercentage }}
  {{- with .Values.autoscaling.behavior }}
  behavior:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end -}}
{{- end -}}

{{- define "parley.queueUrl" -}}
{{- printf "https://sqs.%s.amazonaws.com/%s/%s%s" (get .Values.config "AWS_DEFAULT_REGION") (toString .Values.aws.accountId) (get .Values.config "PARLEY_QUEUE_PREFIX" | default "") .Values.keda.queue -}}
{{- end -}}

{{/* KEDA reads the queue with the workload's own IRSA role (identityOwner: workload), so the
role needs sqs:GetQueueAttributes and must trust KEDA's operator role (docs/deployment.md). */}}
{{- define "parley.keda" -}}
{{- if .Values.keda.enabled -}}
apiVersion: keda.sh/v1alpha1
kind: TriggerAuthentication
metadata:
  name: {{ include "parley.fullname" . }}
  labels:
    {{- include "parley.labels" . | nindent 4 }}
spec:
  podIdentity:
    provider: aws
    identityOwner: workload
---
apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata:
  name: {{ include "parley.fullname" . }}
  labels:
    {{- include "parley.labels" . | nindent 4 }}
spec:
  scaleTargetRef:
    name: {{ include "parley.fullname" . }}
  minReplicaCount: {{ .Values.keda.minReplicas }}
  maxReplicaCount: {{ .Values.keda.maxReplicas }}
  pollingInterval: {{ .Values.keda.pollingIntervalSeconds }}
  cooldownPeriod: {{ .Values.keda.cooldownPeriodSeconds }}
  triggers:
    - type: aws-sqs-queue
      authenticationRef:
        name: {{ include "parley.fullname" . }}
      metadata:
        queueURL: {{ include "parley.queueUrl" . | quote }}
        queueLength: {{ .Values.keda.messagesPerReplica | quote }}
        activationQueueLength: {{ .Values.keda.activationMessages | quote }}
        awsRegion: {{ get .Values.config "AWS_DEFAULT_REGION" | quote }}
        scaleOnInFlight: "true"
{{- end -}}
{{- end -}}

{{/* Voluntary disruptions (node drains, upgrades) take one pod at a time, when there is more than one. */}}
{{- define "parley.pdb" -}}
{{- if and .Values.podDisruptionBudget.enabled (gt (int (include "parley.minReplicas" .)) 1) -}}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "parley.fullname" . }}
  labels:
    {{- include "parley.labels" . | nindent 4 }}
spec:
  maxUnavailable: {{ .Values.podDisruptionBudget.maxUnavailable }}
  selector:
    matchLabels:
      {{- include "parley.selectorLabels" . | nindent 6 }}
{{- end -}}
{{- end -}}
