{{/* The jobs release: parley-lib's names, labels, image and ServiceAccount; its own ConfigMap and
CronJobs, since parley-lib's are a service's (ports, probes, scaling). */}}

{{/* The jobs: what each runs is fixed here, and tests/deploy parse it with the CLI's own parser. */}}
{{- define "parley-jobs.jobs" -}}
- {name: backup, values: backup, command: [parley, backup]}
- {name: transcripts-archive, values: transcriptsArchive, command: [parley, transcripts, archive]}
{{- end -}}

{{/* Settings a release cannot do without: unset, a job would back up or archive an in-process
emulation to the pod's own disk, report success, and keep nothing. */}}
{{- define "parley-jobs.validate" -}}
{{- $config := .Values.config -}}
{{- $secrets := .Values.secretEnv -}}
{{- range $name := list "MONGODB_URL" "PARLEY_BUCKET" -}}
{{- if not (or (get $config $name) (hasKey $secrets $name)) -}}
{{- fail (printf "%s must be set (in config or secretEnv): without it the jobs would save an in-process emulation to the pod's disk" $name) -}}
{{- end -}}
{{- end -}}
{{- range $name, $_ := $secrets -}}
{{- if hasKey $config $name -}}
{{- fail (printf "%s is set both in config and in secretEnv" $name) -}}
{{- end -}}
{{- end -}}
{{- range $job := include "parley-jobs.jobs" . | fromYamlArray -}}
{{- range $name, $_ := (get $.Values $job.values).config -}}
{{- if hasKey $secrets $name -}}
{{- fail (printf "%s is set both in %s.config and in secretEnv" $name $job.values) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "parley-jobs.configmap" -}}
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ include "parley.fullname" . }}
  labels:
    {{- include "parley.labels" . | nindent 4 }}
data:
  {{- toYaml .Values.config | nindent 2 }}
{{- end -}}

{{/* One CronJob: `root` is the chart's context, `job` an item of parley-jobs.jobs. Security is not
configurable, as in parley-lib's Deployment: uid 10001, read-only root filesystem, no privilege
escalation, no capabilities, /tmp an emptyDir. */}}
{{- define "parley-jobs.cronjob" -}}
{{- $ := .root -}}
{{- $job := .job -}}
{{- $values := get $.Values $job.values -}}
{{- $name := printf "%s-%s" (include "parley.fullname" $) $job.name | trunc 52 | trimSuffix "-" -}}
apiVersion: batch/v1
kind: CronJob
metadata:
  name: {{ $name }}
  labels:
    {{- include "parley.labels" $ | nindent 4 }}
    parley.io/job: {{ $job.name }}
spec:
  schedule: {{ $values.schedule | quote }}
  timeZone: {{ $values.timeZone }}
  concurrencyPolicy: Forbid
  startingDeadlineSeconds: {{ $values.startingDeadlineSeconds }}
  successfulJobsHistoryLimit: {{ $values.successfulJobsHistoryLimit }}
  failedJobsHistoryLimit: {{ $values.failedJobsHistoryLimit }}
  jobTemplate:
    metadata:
      labels:
        {{- include "parley.labels" $ | nindent 8 }}
        parley.io/job: {{ $job.name }}
    spec:
      backoffLimit: {{ $values.backoffLimit }}
      activeDeadlineSeconds: {{ $values.activeDeadlineSeconds }}
      template:
        metadata:
          labels:
            {{- include "parley.labels" $ | nindent 12 }}
            parley.io/job: {{ $job.name }}
            {{- with $.Values.podLabels }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          {{- with $.Values.podAnnotations }}
          annotations:
            {{- toYaml . | nindent 12 }}
          {{- end }}
        spec:
          restartPolicy: Never
          serviceAccountName: {{ include "parley.serviceAccountName" $ }}
          enableServiceLinks: false  # as the services' pods (parley-lib's deployment)
          automountServiceAccountToken: false
          {{- with $.Values.priorityClassName }}
          priorityClassName: {{ . }}
          {{- end }}
          {{- with $.Values.imagePullSecrets }}
          imagePullSecrets:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          securityContext:
            runAsNonRoot: true
            runAsUser: 10001
            runAsGroup: 10001
            fsGroup: 10001
            seccompProfile:
              type: RuntimeDefault
          containers:
            - name: {{ $job.name }}
              image: {{ include "parley.image" $ | quote }}
              imagePullPolicy: {{ $.Values.image.pullPolicy }}
              command:
                {{- toYaml $job.command | nindent 16 }}
              envFrom:
                - configMapRef:
                    name: {{ include "parley.fullname" $ }}
              {{- if or $.Values.secretEnv $values.config }}
              env:
                {{- range $name, $ref := $.Values.secretEnv }}
                - name: {{ $name }}
                  valueFrom:
                    secretKeyRef:
                      name: {{ $ref.secret }}
                      key: {{ $ref.key }}
                      {{- if $ref.optional }}
                      optional: true
                      {{- end }}
                {{- end }}
                {{- range $name, $value := $values.config }}
                - name: {{ $name }}
                  value: {{ $value | quote }}
                {{- end }}
              {{- end }}
              resources:
                {{- toYaml $values.resources | nindent 16 }}
              securityContext:
                allowPrivilegeEscalation: false
                readOnlyRootFilesystem: true
                capabilities:
                  drop: ["ALL"]
              volumeMounts:
                - name: tmp
                  mountPath: /tmp
          volumes:
            - name: tmp
              emptyDir:
                sizeLimit: {{ $.Values.tmpSizeLimit }}
          {{- with $.Values.nodeSelector }}
          nodeSelector:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          {{- with $.Values.tolerations }}
          tolerations:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          {{- with $.Values.affinity }}
          affinity:
            {{- toYaml . | nindent 12 }}
          {{- end }}
{{- end -}}
