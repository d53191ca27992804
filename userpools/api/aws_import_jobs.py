"""Wire handlers: user import jobs. Parse, call one service, render."""
from awsapi.registry import CallContext
from userpools.services import import_jobs


def get_csv_header(params: dict, ctx: CallContext) -> dict:
    return {"UserPoolId": params["UserPoolId"], "CSVHeader": import_jobs.csv_header(params["UserPoolId"])}


def create_user_import_job(params: dict, ctx: CallContext) -> dict:
    job = import_jobs.create_job(params["UserPoolId"], params["JobName"], params["CloudWatchLogsRoleArn"])
    return {"UserImportJob": import_jobs.job_type(job)}


def start_user_import_job(params: dict, ctx: CallContext) -> dict:
    return {"UserImportJob": import_jobs.job_type(import_jobs.start_job(params["UserPoolId"], params["JobId"]))}


def stop_user_import_job(params: dict, ctx: CallContext) -> dict:
    return {"UserImportJob": import_jobs.job_type(import_jobs.stop_job(params["UserPoolId"], params["JobId"]))}


def describe_user_import_job(params: dict, ctx: CallContext) -> dict:
    return {"UserImportJob": import_jobs.job_type(import_jobs.get_job(params["UserPoolId"], params["JobId"]))}


def list_user_import_jobs(params: dict, ctx: CallContext) -> dict:
    jobs, token = import_jobs.list_jobs(params["UserPoolId"], params["MaxResults"], params.get("PaginationToken"))
    response: dict = {"UserImportJobs": [import_jobs.job_type(job) for job in jobs]}
    if token:
        response["PaginationToken"] = token
    return response
