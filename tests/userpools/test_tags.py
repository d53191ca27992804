import pytest
from botocore.exceptions import ClientError

from tests.conftest import error_code

pytestmark = pytest.mark.django_db(transaction=True)


def _arn(idp, pool_id: str) -> str:
    return idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]["Arn"]


def test_tag_list_and_untag(idp, pool_id):
    arn = _arn(idp, pool_id)
    assert idp.list_tags_for_resource(ResourceArn=arn)["Tags"] == {}
    idp.tag_resource(ResourceArn=arn, Tags={"team": "identity", "env": "test"})
    idp.tag_resource(ResourceArn=arn, Tags={"env": "prod", "cost": ""})
    assert idp.list_tags_for_resource(ResourceArn=arn)["Tags"] == {"team": "identity", "env": "prod", "cost": ""}
    idp.untag_resource(ResourceArn=arn, TagKeys=["env", "not-there"])
    assert idp.list_tags_for_resource(ResourceArn=arn)["Tags"] == {"team": "identity", "cost": ""}


def test_tags_are_the_pools_user_pool_tags(idp):
    pool_id = idp.create_user_pool(PoolName="tagged", UserPoolTags={"team": "a"})["UserPool"]["Id"]
    arn = _arn(idp, pool_id)
    assert idp.list_tags_for_resource(ResourceArn=arn)["Tags"] == {"team": "a"}
    idp.tag_resource(ResourceArn=arn, Tags={"env": "dev"})
    assert idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]["UserPoolTags"] == {"team": "a", "env": "dev"}
    idp.update_user_pool(UserPoolId=pool_id, UserPoolTags={"only": "this"})
    assert idp.list_tags_for_resource(ResourceArn=arn)["Tags"] == {"only": "this"}


def test_tag_limits(idp, pool_id):
    arn = _arn(idp, pool_id)
    idp.tag_resource(ResourceArn=arn, Tags={f"k{i}": "v" for i in range(50)})
    with pytest.raises(ClientError) as excinfo:
        idp.tag_resource(ResourceArn=arn, Tags={"one-more": "v"})
    assert error_code(excinfo) == "InvalidParameterException"
    with pytest.raises(ClientError) as excinfo:
        idp.tag_resource(ResourceArn=arn, Tags={"aws:reserved": "v"})
    assert error_code(excinfo) == "InvalidParameterException"
    assert len(idp.list_tags_for_resource(ResourceArn=arn)["Tags"]) == 50


@pytest.mark.parametrize(
    ("arn", "code"),
    [
        ("arn:aws:cognito-idp:us-east-1:000000000000:userpool/us-east-1_missing00", "ResourceNotFoundException"),
        ("arn:aws:cognito-idp:us-east-1:111111111111:userpool/{pool}", "ResourceNotFoundException"),
        ("arn:aws:cognito-idp:eu-west-1:000000000000:userpool/{pool}", "ResourceNotFoundException"),
        ("arn:aws:s3:us-east-1:000000000000:bucket/{pool}", "InvalidParameterException"),
        ("arn:aws:cognito-identity:us-east-1:000000000000:identitypool/us-east-1:abc", "InvalidParameterException"),
    ],
)
def test_arns_that_are_not_our_pools(idp, pool_id, arn, code):
    arn = arn.format(pool=pool_id)
    for call in (
        lambda: idp.tag_resource(ResourceArn=arn, Tags={"a": "b"}),
        lambda: idp.untag_resource(ResourceArn=arn, TagKeys=["a"]),
        lambda: idp.list_tags_for_resource(ResourceArn=arn),
    ):
        with pytest.raises(ClientError) as excinfo:
            call()
        assert error_code(excinfo) == code
    assert idp.list_tags_for_resource(ResourceArn=_arn(idp, pool_id))["Tags"] == {}
